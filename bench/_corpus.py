"""The benchmark's made-up profiles: what each says in each of its versions.

Pure Python and deterministic (no Django, no database): the same `Scale`
always gives the same groups, names, leaders, sections, notes, sources and
histories, so `bench/seed.py` can write them in bulk and `seed.py --check`
can publish the same ones through the real workflow and compare the two.

Names come in several scripts: Latin transliterations ("Kata'ib Ansar
al-Mahdi"), Arabic script (some groups are known by their Arabic name only,
others list it as an alternative name) and Persian. Every "connections to
other militias" section names other groups by name, so the stored network
has edges. Version 1 of each profile is a recorded import; every later
version is an editor's edit of one or two fields, approved by a reviewer,
citing a source the profile's notes already cite.
"""

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from profiles.document import superscript
from sources.citations import SourceEntry, format_source


@dataclass(frozen=True)
class Scale:
    profiles: int
    leaders: int  # in all, over every profile
    sources: int  # distinct works cited, in all
    versions: int  # in all, over every profile
    big_versions: int  # versions of the profile with the longest history
    many_notes: int  # notes of the profile with the most notes …
    many_leaders: int  # … and its leaders
    many_notes_versions: int = 12
    ten: int = 10  # one profile has exactly this many versions
    editors: int = 12
    reviewers: int = 4


#: What the issue asks for (issue 10).
FULL = Scale(
    profiles=5_000,
    leaders=15_000,
    sources=20_000,
    versions=100_000,
    big_versions=10_000,
    many_notes=500,
    many_leaders=200,
)
#: Enough of everything to exercise every kind of row, for `seed.py --check`.
SMALL = Scale(
    profiles=18,
    leaders=60,
    sources=80,
    versions=110,
    big_versions=30,
    many_notes=40,
    many_leaders=20,
    many_notes_versions=4,
    editors=3,
    reviewers=2,
)

# Profiles with a part to play in the benchmark, by their index.
TYPICAL, BIG_HISTORY, MANY_NOTES, TEN_VERSIONS = 0, 1, 2, 3

_CHECKED = re.compile(r"^Checked again in revision \d+\. ")

START = datetime(2019, 1, 7, 8, 0, tzinfo=UTC)
END = datetime(2026, 10, 30, 18, 0, tzinfo=UTC)

# Names ------------------------------------------------------------------------

# (transliteration, Arabic, Persian, English head)
PREFIXES = (
    ("Liwa", "لواء", "تیپ", "Brigade"),
    ("Kata'ib", "كتائب", "گردان‌های", "Battalions"),
    ("Saraya", "سرايا", "گروهان‌های", "Companies"),
    ("Harakat", "حركة", "جنبش", "Movement"),
    ("Firqat", "فرقة", "لشکر", "Division"),
    ("Quwwat", "قوات", "نیروهای", "Forces"),
    ("Asa'ib", "عصائب", "گروه‌های", "Leagues"),
    ("Jaysh", "جيش", "ارتش", "Army"),
    ("Fawj", "فوج", "هنگ", "Regiment"),
    ("Tajammu'", "تجمع", "اجتماع", "Rally"),
    ("Jabhat", "جبهة", "جبهه", "Front"),
    ("Hay'at", "هيئة", "هیئت", "Committee"),
    ("Majmu'at", "مجموعة", "مجموعه", "Group"),
    ("Tashkil", "تشكيل", "تشکیلات", "Formation"),
)
# (transliteration, Arabic, English); the first is "none".
MIDDLES = (
    ("", "", ""),
    ("Ansar", "أنصار", "Supporters of"),
    ("Junud", "جنود", "Soldiers of"),
    ("Ahrar", "أحرار", "Free Men of"),
    ("Usud", "أسود", "Lions of"),
    ("Abna'", "أبناء", "Sons of"),
    ("Fursan", "فرسان", "Knights of"),
    ("Hurras", "حراس", "Guardians of"),
    ("Rijal", "رجال", "Men of"),
    ("Thuwwar", "ثوار", "Revolutionaries of"),
    ("Humat", "حماة", "Protectors of"),
    ("Shabab", "شباب", "Youth of"),
)
CORES = (
    ("al-Mahdi", "المهدي", "the Mahdi"),
    ("al-Abbas", "العباس", "al-Abbas"),
    ("al-Hussein", "الحسين", "Hussein"),
    ("al-Hassan", "الحسن", "Hassan"),
    ("al-Zahra", "الزهراء", "al-Zahra"),
    ("al-Mujtaba", "المجتبى", "al-Mujtaba"),
    ("al-Sadiq", "الصادق", "al-Sadiq"),
    ("al-Kadhim", "الكاظم", "al-Kadhim"),
    ("al-Rida", "الرضا", "al-Rida"),
    ("al-Jawad", "الجواد", "al-Jawad"),
    ("al-Hadi", "الهادي", "al-Hadi"),
    ("al-Askari", "العسكري", "al-Askari"),
    ("al-Qaim", "القائم", "the Qaim"),
    ("Zaynab", "زينب", "Zaynab"),
    ("al-Haqq", "الحق", "the Truth"),
    ("al-Furat", "الفرات", "the Euphrates"),
    ("Dijla", "دجلة", "the Tigris"),
    ("al-Jazira", "الجزيرة", "the Jazira"),
    ("Sinjar", "سنجار", "Sinjar"),
    ("al-Anbar", "الأنبار", "Anbar"),
    ("Karbala", "كربلاء", "Karbala"),
    ("al-Najaf", "النجف", "Najaf"),
    ("Samarra", "سامراء", "Samarra"),
    ("Diyala", "ديالى", "Diyala"),
    ("Naynawa", "نينوى", "Nineveh"),
    ("Hawran", "حوران", "Hauran"),
    ("al-Qalamun", "القلمون", "the Qalamoun"),
    ("al-Sahil", "الساحل", "the Coast"),
    ("Homs", "حمص", "Homs"),
    ("Halab", "حلب", "Aleppo"),
    ("Dayr al-Zur", "دير الزور", "Deir ez-Zor"),
    ("al-Badiya", "البادية", "the Desert"),
    ("Jabal Amil", "جبل عامل", "Jabal Amil"),
    ("al-Basra", "البصرة", "Basra"),
    ("al-Kufa", "الكوفة", "Kufa"),
    ("Hamrin", "حمرين", "the Hamrin Hills"),
    ("al-Tanf", "التنف", "al-Tanf"),
    ("Tal Afar", "تلعفر", "Tal Afar"),
    ("al-Quds", "القدس", "Jerusalem"),
    ("al-Wa'd al-Sadiq", "الوعد الصادق", "the True Promise"),
    ("al-Imam Ali", "الإمام علي", "Imam Ali"),
)

GIVEN = [
    "Hashim",
    "Qais",
    "Akram",
    "Muhammad",
    "Ali",
    "Hassan",
    "Hussein",
    "Jafar",
    "Kadhim",
    "Haidar",
    "Mustafa",
    "Ahmad",
    "Khalid",
    "Hamza",
    "Omar",
    "Yusuf",
    "Ibrahim",
    "Sami",
    "Bassam",
    "Nizar",
    "Fadil",
    "Riyad",
    "Karim",
    "Salih",
    "Abbas",
    "Mahdi",
    "Jawad",
    "Ammar",
    "Adnan",
    "Falih",
    "Laith",
    "Maytham",
    "Aws",
    "Thamir",
    "Walid",
    "Zuhair",
    "Naim",
    "Shibl",
    "Hadi",
    "Mazin",
    "Ridha",
    "Husam",
    "Tahsin",
    "Jabbar",
    "Rahim",
    "Sattar",
    "Hamid",
]
FAMILIES = [
    "al-Musawi",
    "al-Khazali",
    "al-Kaabi",
    "al-Asadi",
    "al-Saidi",
    "al-Fatlawi",
    "al-Amiri",
    "al-Hamdani",
    "al-Tamimi",
    "al-Jubouri",
    "al-Shammari",
    "al-Ubaydi",
    "al-Zaidi",
    "al-Hakim",
    "al-Husayni",
    "al-Bahadli",
    "al-Lami",
    "al-Kinani",
    "al-Rubaie",
    "al-Daraji",
    "al-Mayahi",
    "al-Sudani",
    "al-Jabiri",
    "al-Ghanimi",
    "al-Waili",
    "al-Khafaji",
    "al-Maliki",
    "al-Tai",
    "al-Khalidi",
    "al-Azzawi",
    "al-Hilli",
    "al-Baghdadi",
    "al-Basri",
    "al-Qurayshi",
    "al-Dulaimi",
    "al-Hashimi",
    "al-Mahmadawi",
    "al-Shibani",
    "al-Ibrahimi",
    "al-Nuri",
]
ARABIC_KUNYAS = ("أبو علي", "أبو حسن", "أبو مهدي", "أبو زينب", "أبو فاطمة")

COUNTRIES = {
    "Iraq": (
        "Baghdad",
        "Diyala",
        "Salah al-Din",
        "the Nineveh plains",
        "Anbar",
        "Kirkuk",
        "Basra",
        "Babil",
        "Jurf al-Sakhar",
        "Samarra",
        "Tal Afar",
        "Sinjar",
        "al-Qaim",
    ),
    "Syria": (
        "Aleppo",
        "the Damascus countryside",
        "Deir ez-Zor",
        "Homs",
        "Hama",
        "Daraa",
        "Palmyra",
        "al-Bukamal",
        "Sayyida Zaynab",
        "Quneitra",
        "Raqqa",
    ),
    "Lebanon": ("south Lebanon", "the Bekaa valley", "Beirut's southern suburbs"),
    "Yemen": ("Sanaa", "Saada", "Hodeidah", "Marib", "Taiz", "al-Jawf"),
}
RECRUITS = (
    "Shia tribes of the middle Euphrates",
    "families displaced from Tal Afar",
    "Afghan refugees living in Iran",
    "the Baggara tribe",
    "students of a seminary in Najaf",
    "former members of the Mahdi Army",
    "local defence committees",
    "Turkmen villages south of Kirkuk",
    "unemployed young men from Basra's outskirts",
    "Palestinian refugee camps around Aleppo",
)
WEAPONS = (
    "Assault rifles and machine guns of Soviet design",
    "Pickup trucks fitted with heavy machine guns",
    "Mortars and light artillery taken from army depots",
    "Iranian-made anti-tank guided missiles",
    "Small reconnaissance drones, some armed",
    "Short-range rockets launched from trucks",
    "Armoured vehicles handed over by the state army",
    "Sniper rifles of Iranian manufacture",
    "Improvised explosive devices and explosively formed penetrators",
)
SOCIAL = ("Telegram", "X (formerly Twitter)", "Facebook", "YouTube", "Instagram")
TAGS = (
    "iran-backed",
    "popular-mobilization",
    "shia",
    "sunni",
    "tribal",
    "foreign-fighters",
    "designated",
    "political-party",
    "border",
    "local-defense-forces",
    "disbanded",
)
# Each starts with "is" or "was": the document layout reads a leader without
# aliases as the name before that verb and the role from it on.
ROLES = (
    "is the commander",
    "is the secretary-general",
    "is the deputy commander",
    "was the founder; killed in an air strike in {year}",
    "is the head of the group's media office",
    "is the head of the political office",
    "is in command of the group's units in {place}",
    "is the military spokesman",
    "was the commander until {year}",
    "is a member of parliament for the group since {year}",
    "is in charge of the group's finances",
    "was a trainer of new recruits near {place}",
)
COMMENTARY = (
    "The figure is the group's own claim.",
    "Other estimates are lower.",
    "The report relies on interviews with former members.",
    "Funeral notices posted by the group give a similar picture.",
    "The date is that of the first public statement.",
    "This account is disputed by the group.",
)
COMMENTARY_ONLY = (
    "Count of the funeral notices the group posted on its channels, 2017–2019.",
    "The group's own channels gave a figure twice as high.",
    "Observed in videos the group posted; not independently confirmed.",
    "Compiled from the group's statements over several years.",
)

# Sources ------------------------------------------------------------------------

PUBLICATIONS = (
    ("Levant Security Review", "en", "levantsecurity.example.org"),
    ("Gulf Affairs Monitor", "en", "gulfaffairs.example.com"),
    ("Middle East Conflict Observatory", "en", "meco.example.org"),
    ("Euphrates Research Centre", "en", "euphratesresearch.example.org"),
    ("Journal of Militia Studies", "en", "militiastudies.example.edu"),
    ("The Baghdad Ledger", "en", "baghdadledger.example.com"),
    ("Damascus Wire", "en", "damascuswire.example.net"),
    ("Strategic Notes Quarterly", "en", "strategicnotes.example.org"),
    ("صحيفة الرافدين", "ar", "alrafidain.example.iq"),
    ("مرصد الشرق", "ar", "marsad.example.net"),
    ("وكالة أنباء الفرات", "ar", "alfurat-news.example.com"),
    ("روزنامه آسمان", "fa", "aseman.example.ir"),
)
FIRST_NAMES = [
    "Sarah",
    "Michael",
    "Laila",
    "Daniel",
    "Nadia",
    "Thomas",
    "Hiba",
    "Robert",
    "Mona",
    "Peter",
    "Rania",
    "James",
    "Farah",
    "Jonathan",
    "Dalia",
    "Christopher",
    "Zainab",
    "Matthew",
    "Yasmin",
    "Andrew",
]
LAST_NAMES = [
    "Collins",
    "Haddad",
    "Morgan",
    "Saleh",
    "Whitaker",
    "Nasser",
    "Brennan",
    "Karimi",
    "Lindqvist",
    "Aziz",
    "Okafor",
    "Rahimi",
    "Fischer",
    "Mansour",
    "Delgado",
    "Hosseini",
    "Kowalski",
    "Jaber",
    "Thornton",
]
ARABIC_AUTHORS = ("علي الموسوي", "حسن الكعبي", "زينب الأسدي", "مصطفى الحكيم")
PERSIAN_AUTHORS = ("محمد رضایی", "فاطمه کریمی", "حسین نوری")
TOPICS = (
    "Militia Politics after the War",
    "Who Commands the Border Crossings?",
    "The Economics of the Checkpoints",
    "Mapping the Auxiliary Forces",
    "Recruitment in the Displacement Camps",
    "Iran's Advisers and Their Partners",
    "The Shrine Defenders, Ten Years On",
    "Parliament, Patronage and the Armed Factions",
    "Drones over the Desert",
    "The Tribes and the State",
)
ARABIC_TOPICS = ("الفصائل المسلحة بعد الحرب", "من يسيطر على المعابر؟", "خريطة القوى")
PERSIAN_TOPICS = ("گزارشی از مدافعان حرم", "نیروهای داوطلب در سوریه")
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def source_entry(index: int) -> SourceEntry:
    """Work number `index` of the bibliography: its URL is unique."""
    rng = random.Random(f"source-{index}")
    publication, language, host = rng.choice(PUBLICATIONS)
    year = rng.randint(2012, 2025)
    if language == "ar":
        authors = rng.choice(ARABIC_AUTHORS)
        title = f"{rng.choice(ARABIC_TOPICS)} ({year})"
    elif language == "fa":
        authors = rng.choice(PERSIAN_AUTHORS)
        title = f"{rng.choice(PERSIAN_TOPICS)} {index}"
    else:
        people = [
            f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            for _ in range(rng.choice((1, 1, 1, 2)))
        ]
        authors = " and ".join(people)
        title = f"{rng.choice(TOPICS)}: Part {index % 97 + 1}"
    date = rng.choice(
        (
            f"{rng.choice(MONTHS)} {rng.randint(1, 28)}, {year}",
            f"{rng.choice(MONTHS)} {year}",
            str(year),
        )
    )
    return SourceEntry(
        authors=authors,
        title=title,
        publication=publication,
        date=date,
        url=f"https://{host}/{year}/report-{index}",
        language=language,
    )


# Groups -----------------------------------------------------------------------


@dataclass
class Note:
    kind: str  # "source", "commented", "two", "commentary"
    sources: list[int] = field(default_factory=list)  # indices of works


@dataclass
class Group:
    """One profile: who it is and how big its record and history are."""

    index: int
    name: str
    english_name: str
    alternative_names: list[str]
    mention_name: str  # how other profiles' text names it
    country: str
    versions: int
    leaders: int
    notes: list[Note] = field(default_factory=list)
    first_at: datetime = START
    gap: timedelta = timedelta(days=20)


@dataclass(frozen=True)
class Step:
    """One published version: the profile's values, and for an edit (every
    version after the first) who made it, why, and the works each changed
    field cites (URLs; the notes carry their own)."""

    number: int
    values: dict[str, Any]
    at: datetime
    editor: int | None = None
    reviewer: int | None = None
    summary: str = ""
    sources: dict[str, list[str]] = field(default_factory=dict)

    @property
    def is_import(self) -> bool:
        return self.editor is None


def _exact_counts(rng, n: int, total: int, low: int, high: int, fixed: dict):
    """`n` counts between `low` and `high` summing to `total`, with the
    counts of `fixed` indices as given."""
    counts = [rng.randint(low, high) for _ in range(n)]
    for index, count in fixed.items():
        counts[index] = count
    free = [i for i in range(n) if i not in fixed]
    step = 0
    while sum(counts) != total:
        i = free[step % len(free)]
        step += 1
        if sum(counts) < total and counts[i] < high * 3:
            counts[i] += 1
        elif sum(counts) > total and counts[i] > low:
            counts[i] -= 1
    return counts


class Corpus:
    """Every group of one scale, with its notes' works assigned."""

    def __init__(self, scale: Scale):
        self.scale = scale
        rng = random.Random(f"corpus-{scale}")
        combos = [
            (p, m, c)
            for p in range(len(PREFIXES))
            for m in range(len(MIDDLES))
            for c in range(len(CORES))
        ]
        rng.shuffle(combos)
        self._combos = combos
        if scale.profiles > len(combos):
            raise ValueError(f"at most {len(combos)} distinct names")
        special = {
            BIG_HISTORY: scale.big_versions,
            MANY_NOTES: scale.many_notes_versions,
            TEN_VERSIONS: scale.ten,
        }
        rest = scale.versions - sum(special.values())
        mean = max(1, rest // max(1, scale.profiles - len(special)))
        versions = _exact_counts(
            rng, scale.profiles, scale.versions, 1, 2 * mean - 1, special
        )
        leaders = _exact_counts(
            rng, scale.profiles, scale.leaders, 2, 4, {MANY_NOTES: scale.many_leaders}
        )
        self.groups = [
            self._group(rng, i, combos[i], versions[i], leaders[i])
            for i in range(scale.profiles)
        ]
        self._assign_sources(rng)
        self._timeline(rng)

    def _group(self, rng, index, combo, versions, leaders) -> Group:
        (p, p_ar, p_fa, head), (m, m_ar, m_en), (c, c_ar, c_en) = (
            PREFIXES[combo[0]],
            MIDDLES[combo[1]],
            CORES[combo[2]],
        )
        latin = " ".join(part for part in (p, m, c) if part)
        arabic = " ".join(part for part in (p_ar, m_ar, c_ar) if part)
        persian = " ".join(part for part in (p_fa, m_ar, c_ar) if part)
        english = f"{head} of {f'the {m_en} {c_en}' if m else c_en}"
        alternatives = []
        # Some groups are known by their Arabic name: it is their name, and
        # the transliteration one of the others (not the typical profile).
        if index > TEN_VERSIONS and rng.random() < 0.04:
            name, alternatives = arabic, [latin]
        else:
            name = latin
            if rng.random() < 0.7:
                alternatives.append(arabic)
        if rng.random() < 0.2:
            alternatives.append(persian)
        country = rng.choice(list(COUNTRIES))
        return Group(
            index=index,
            name=name,
            english_name=english,
            alternative_names=alternatives,
            mention_name=latin,
            country=country,
            versions=versions,
            leaders=leaders,
        )

    def _assign_sources(self, rng) -> None:
        """Gives every note its kind and works so that each of the
        `scale.sources` works is cited at least once: the first works go
        once each, a few hundred well-known ones are cited again."""
        slots: list[Note] = []
        for group in self.groups:
            count = (
                self.scale.many_notes
                if group.index == MANY_NOTES
                else rng.randint(3, 6)
            )
            for number in range(count):
                kind = (
                    "source"
                    if number == 0
                    else rng.choices(
                        ("source", "commented", "two", "commentary"), (60, 20, 12, 8)
                    )[0]
                )
                note = Note(kind)
                group.notes.append(note)
                slots += [note] * {"two": 2, "commentary": 0}.get(kind, 1)
        total = self.scale.sources
        if len(slots) < total:
            raise ValueError(f"{len(slots)} citations cannot cite {total} works")
        popular = max(1, total // 60)
        works = list(range(total)) + [
            rng.randrange(popular) for _ in range(len(slots) - total)
        ]
        rng.shuffle(works)
        for note, work in zip(slots, works, strict=True):
            if work in note.sources:  # never the same work twice in one note
                work = next(w for w in range(total) if w not in note.sources)
            note.sources.append(work)

    def _timeline(self, rng) -> None:
        span = END - START
        for group in self.groups:
            if group.index == BIG_HISTORY:
                group.first_at = START
            else:
                group.first_at = START + span * rng.uniform(0, 0.55)
            room = END - group.first_at
            group.gap = room / (group.versions + 1)

    def new_documents(self, count: int) -> list[dict[str, Any]]:
        """Values of `count` more profiles, none of them in the corpus (other
        names, works not cited yet beside a few well-known ones), naming
        corpus profiles in their connections: for timing an import into
        the seeded database."""
        rng = random.Random(f"new-{self.scale}")
        start = self.scale.profiles
        if start + count > len(self._combos):
            raise ValueError(f"at most {len(self._combos) - start} new documents")
        documents = []
        work = self.scale.sources
        for k in range(count):
            group = self._group(
                rng, start + k, self._combos[start + k], 1, rng.randint(2, 4)
            )
            for number in range(rng.randint(3, 6)):
                note = Note("source" if number == 0 else "commented")
                note.sources = [work]
                work += 1
                if number == 1:
                    note.kind, note.sources = "two", [work, rng.randrange(50)]
                group.notes.append(note)
            documents.append(self.first_values(group))
        return documents

    # The values of each version ------------------------------------------------

    def names(self) -> dict[int, str]:
        return {g.index: g.mention_name for g in self.groups}

    def first_values(self, group: Group) -> dict[str, Any]:
        """Version 1: what the group's first import says."""
        rng = random.Random(f"values-{group.index}")
        places = COUNTRIES[group.country]
        year = rng.randint(2003, 2018)
        notes = group.notes
        citing = [n for n, note in enumerate(notes, 1) if note.sources]

        def mark() -> str:
            return superscript(rng.choice(citing))

        others = self._others(rng, group)
        leaders = [
            self._leader(rng, group, position, citing)
            for position in range(group.leaders)
        ]
        values: dict[str, Any] = {
            "name": group.name,
            "english_name": group.english_name,
            "alternative_names": list(group.alternative_names),
            "tags": sorted(rng.sample(TAGS, rng.randint(1, 4))),
            "logo": rng.choice(
                (
                    "A green shield with a raised rifle and the group's name in "
                    "Arabic lettering",
                    "A fist holding a rifle over a globe, the name written above",
                    "A portrait of a cleric between two flags",
                    "A red star over a map of the region",
                )
            ),
            "flag_text": rng.choice(
                (
                    f"“{group.name}”, written in white on a black field",
                    "“Victory is from God and a near conquest”",
                    "“We are your soldiers, O Hussein”",
                    "",
                )
            ),
            "founding": [
                rng.choice(
                    (
                        f"Announced in {rng.choice(MONTHS)} {year}{mark()}",
                        f"The group dates itself to {year}, but the earliest "
                        f"independent traces of it are from {year + 1}{mark()}",
                        f"Formed in {year} from fighters of {rng.choice(RECRUITS)}"
                        f"{mark()}",
                    )
                )
            ],
            "size": [self._size(rng, year + 2, mark())],
            "leaders": leaders,
            "political_wing": rng.choice(
                (
                    ["None"],
                    [
                        f"Ran in the {rng.choice((2014, 2018, 2021))} "
                        f"{group.country} elections on an allied list{mark()}"
                    ],
                    [],
                )
            ),
            "weapons": rng.sample(WEAPONS, rng.randint(1, 3)),
            "atrocities": rng.choice(
                (
                    [],
                    [
                        f"Rights groups accused the group of abducting civilians "
                        f"near {rng.choice(places)} in {year + 3}{mark()}"
                    ],
                    [
                        "Local residents reported looting after the group entered "
                        f"{rng.choice(places)}; the group denies it"
                    ],
                )
            ),
            "areas_of_operation": [
                f"{place}, {rng.choice(('since', 'from', 'in'))} {year + k}"
                for k, place in enumerate(rng.sample(places, min(len(places), 2)))
            ],
            "connections_to_other_militias": [
                self._connection(rng, other, places) for other in others
            ],
            "current_designations": rng.choice(
                (
                    ["None"],
                    [f"Designated by the United States in {year + 4}{mark()}"],
                    [
                        f"Listed by the United Kingdom in {year + 5}",
                        f"Sanctioned by the European Union in {year + 6}{mark()}",
                    ],
                )
            ),
            "social_media": rng.sample(SOCIAL, rng.randint(1, 3)),
            "connections_to_irgc": (
                f"The group is one of several that Iran's Revolutionary Guard "
                f"helped organise in {group.country}. Its commanders have been "
                f"photographed with IRGC advisers near {rng.choice(places)}, and "
                f"its statements praise Iran's Supreme Leader.{mark()}"
            ),
            "background": self._background(rng, group, year, places, others, mark),
            "citations": [
                {"number": number, "text": self._note_text(rng, note)}
                for number, note in enumerate(notes, 1)
            ],
        }
        if group.index == MANY_NOTES:
            self._enlarge(rng, values, places)
        return values

    def _others(self, rng, group: Group) -> list[int]:
        """Groups its connections section names: often one of the first
        fifty (the well-connected ones), and a few others."""
        n = len(self.groups)
        picks = []
        for _ in range(rng.randint(1, 3)):
            other = (
                rng.randrange(min(50, n)) if rng.random() < 0.4 else rng.randrange(n)
            )
            if other != group.index and other not in picks:
                picks.append(other)
        return picks

    def _connection(self, rng, other: int, places) -> str:
        name = self.groups[other].mention_name
        year = rng.randint(2012, 2024)
        return rng.choice(
            (
                f"Fought beside {name} near {rng.choice(places)} in {year}",
                f"Shares commanders and funding with {name}",
                f"Split from {name} in {year} after a dispute over money",
                f"Coordinates its operations with {name}, according to its own "
                f"statements from {year}",
            )
        )

    def _size(self, rng, year: int, mark: str) -> str:
        fighters = rng.randint(2, 120) * 50
        return f"About {fighters:,} fighters in {year}, by an outside estimate{mark}"

    def _leader(self, rng, group, position, citing) -> dict[str, Any]:
        given, father = rng.choice(GIVEN), rng.choice(GIVEN)
        family = rng.choice(FAMILIES)
        name = (
            f"{given} {father} {family}" if rng.random() < 0.5 else f"{given} {family}"
        )
        if group.index == MANY_NOTES:
            name = f"{name} {position + 1}"  # two hundred leaders, all distinct
        aliases = []
        if rng.random() < 0.6:
            aliases.append(f"Abu {rng.choice(GIVEN)}")
        if rng.random() < 0.2:
            aliases.append(f"al-Hajj {given}")
        if rng.random() < 0.1:
            aliases.append(rng.choice(ARABIC_KUNYAS))
        role = rng.choice(ROLES).format(
            year=rng.randint(2014, 2024), place=rng.choice(COUNTRIES[group.country])
        )
        if rng.random() < 0.3:
            role += superscript(rng.choice(citing))
        return {"name": name, "aliases": aliases, "role": role}

    def _background(self, rng, group, year, places, others, mark) -> str:
        recruits = rng.choice(RECRUITS)
        paragraphs = [
            f"{group.mention_name} appeared in {rng.choice(places)} in {year}, "
            f"drawing its first fighters from {recruits}.{mark()} Its early "
            f"members guarded shrines and supply roads rather than holding a "
            f"front line.",
            f"By {year + 3} the group had grown into a force of several "
            f"battalions with its own media office and a share of state "
            f"salaries.{mark()} Analysts describe it as loyal first to its "
            f"patrons in Tehran and only then to {group.country}'s government.",
        ]
        if others:
            other = self.groups[others[0]].mention_name
            paragraphs.append(
                f"Its closest partner is {other}, with which it has shared "
                f"checkpoints, commanders and funeral ceremonies.{mark()}"
            )
        return "\n\n".join(paragraphs)

    def _note_text(self, rng, note: Note) -> str:
        cited = [format_source(source_entry(work)) for work in note.sources]
        if note.kind == "commentary":
            return rng.choice(COMMENTARY_ONLY)
        if note.kind == "commented":
            return f"{rng.choice(COMMENTARY)} {cited[0]}"
        return "; ".join(cited)

    def _enlarge(self, rng, values, places) -> None:
        """The profile with hundreds of notes: long sections whose marks
        point to every note."""
        numbers = [c["number"] for c in values["citations"]]
        sentences = []
        for start in range(0, len(numbers), 8):
            marks = "".join(
                f" Another report adds detail.{superscript(n)}"
                for n in numbers[start : start + 8]
            )
            sentences.append(
                f"In {2012 + start % 12} the group's units moved to "
                f"{rng.choice(places)}.{marks}"
            )
        values["background"] = "\n\n".join([values["background"], *sentences])
        values["areas_of_operation"] = [
            f"{place}, reported in {2013 + k}{superscript(numbers[k % len(numbers)])}"
            for k, place in enumerate(places * 3)
        ]

    # Later versions ---------------------------------------------------------------

    EDITABLE = (
        "size",
        "areas_of_operation",
        "atrocities",
        "weapons",
        "current_designations",
        "social_media",
        "political_wing",
        "leaders",
        "connections_to_other_militias",
        "connections_to_irgc",
        "background",
        "citations",
        "tags",
    )
    SUMMARIES = {
        "size": "Update the size estimate",
        "areas_of_operation": "Revise the areas of operation",
        "atrocities": "Add a reported abuse",
        "weapons": "Correct the weapons",
        "current_designations": "Update the designations",
        "social_media": "Update the social media accounts",
        "political_wing": "Revise the political wing",
        "leaders": "Update a leader's role",
        "connections_to_other_militias": "Revise the connections to other groups",
        "connections_to_irgc": "Reword the IRGC section",
        "background": "Extend the background",
        "citations": "Clarify a note",
        "tags": "Retag",
    }

    def steps(self, group: Group) -> Iterator[Step]:
        """Each version of the group's profile, from the first."""
        values = self.first_values(group)
        yield Step(1, values, group.first_at)
        rng = random.Random(f"history-{group.index}")
        places = COUNTRIES[group.country]
        citing = [n for n, note in enumerate(group.notes, 1) if note.sources]
        scale = self.scale
        for number in range(2, group.versions + 1):
            wanted = rng.choice((1, 1, 1, 2))
            before, values, fields = values, dict(values), []
            # A field whose new value happens to be its old one is no change
            # (the workflow would refuse it): another field is edited instead.
            for name in rng.sample(self.EDITABLE, len(self.EDITABLE)):
                value = self._edit(rng, name, values, number, places, citing)
                if value != before[name]:
                    values[name] = value
                    fields.append(name)
                if len(fields) == wanted:
                    break
            note = group.notes[rng.choice(citing) - 1]
            url = source_entry(note.sources[0]).url
            yield Step(
                number,
                values,
                group.first_at + group.gap * (number - 1),
                editor=rng.randrange(scale.editors),
                reviewer=rng.randrange(scale.reviewers),
                summary=" and ".join(self.SUMMARIES[f] for f in sorted(fields)),
                sources={f: [url] for f in fields if f != "citations"},
            )

    def _edit(self, rng, name, values, number, places, citing) -> Any:
        """A new value for one field, always different from the current one
        (the version number is in it or it changes by construction)."""
        mark = superscript(rng.choice(citing))
        year = 2014 + number % 12
        if name == "size":
            fighters = 50 * (number % 240 + 2)
            return [
                f"About {fighters:,} fighters in {year}, by an outside estimate{mark}"
            ]
        if name == "areas_of_operation":
            place = places[number % len(places)]
            return [
                *values[name][:2],
                f"{place}, deployment reported (v{number}){mark}",
            ][-3:]
        if name == "atrocities":
            return [
                f"Accused of detaining protesters in {rng.choice(places)} "
                f"(report {number}){mark}"
            ]
        if name == "weapons":
            return [*rng.sample(WEAPONS, 2), f"Arms shipment reported, item {number}"]
        if name == "current_designations":
            return [
                f"Designated by the United States in {year} (update {number}){mark}"
            ]
        if name == "social_media":
            return [*rng.sample(SOCIAL, 2), f"Telegram channel number {number}"]
        if name == "political_wing":
            return [f"Backs candidates of an allied list (revision {number}){mark}"]
        if name == "leaders":
            leaders = [dict(leader) for leader in values["leaders"]]
            position = number % len(leaders)
            leaders[position]["role"] = (
                f"was the commander until {year}; revision {number}{mark}"
            )
            return leaders
        if name == "connections_to_other_militias":
            other = self.groups[rng.randrange(len(self.groups))].mention_name
            return [
                *values[name][:2],
                f"Reported fighting beside {other} in {year} (update {number})",
            ][-3:]
        if name == "connections_to_irgc":
            return (
                f"Iran's Revolutionary Guard advises the group's commanders; "
                f"{number} statements of the group since {year} praise Iran's "
                f"Supreme Leader.{mark}"
            )
        if name == "background":
            paragraphs = values[name].split("\n\n")
            paragraphs[-1] = (
                f"In {year} the group took part in operations near "
                f"{rng.choice(places)}, its {number}th reported deployment.{mark}"
            )
            return "\n\n".join(paragraphs)
        if name == "citations":
            rows = [dict(row) for row in values[name]]
            row = rows[number % len(rows)]
            # Commentary goes before the works: after a link it would hide
            # them, and the note would stop citing its sources.
            base = _CHECKED.sub("", row["text"])
            row["text"] = f"Checked again in revision {number}. {base}"
            return rows
        if name == "tags":
            return sorted(set(values[name]) ^ {rng.choice(TAGS)}) or [TAGS[0]]
        raise ValueError(name)
