"""Name-matching keys: one spelling-tolerant key per name, so that search is an
indexed lookup of the key rather than a scan of every spelling.

Pure Python: no Django, no database. `profiles.search` stores the keys of every
published name; the search box looks up the key of what was typed.

A name is cut into words; a key is the words' keys joined by spaces. Before
keying, whatever does not tell names apart is removed: accents and other
combining marks, apostrophe-like signs (’ ' ʿ ʾ ` ‘), letter case.

Arabic script: vowel signs (tashkil) and tatweel are removed; alef forms
(أ إ آ ٱ) become ا, ی ى become ي, ک becomes ك, ة becomes ه, hamza on a carrier
becomes the carrier (ؤ → و, ئ → ي) and a lone ء goes; the article ال at the
start of a word goes (not in الله). Persian letters (پ چ ژ گ) stay.

Latin script, in this order, for each word:

1. The article goes when another word follows: al, el, ul, l as a word or
   joined by a hyphen (al-Haq, el Zour, Abu l-Fadl), and the assimilated forms
   (ad-, an-, ar-, as-, ash-, at-, ath-, az-, ed-, en-, er-, es-, et-, ez-, …)
   when joined by a hyphen or followed by their own consonant (ez-Zor,
   ash Sham).
2. Compounds are written as one word: Abd + the next word (Abd al-Aziz,
   Abdul Aziz, Abdulaziz and Abdurrahman all become abd…), a word + Allah
   (Hizb Allah = Hizballah, Nasr Allah = Nasrallah); ibn, bin, ben → bin.
3. Letters: dj → j, ph → f, kh → X, gh → k, sh → S, th → T, dh → d, ck → k,
   q → k, v → w; ee → i, oo → u, ou → u (the capitals are single sounds that
   must not meet k+h, s+h, t+h). gh and q meet k because Persian sources
   write ق as gh (Ghaani = Qaani = Kaani); dh meets d because Iraqi spellings
   write ض as dh (Fadhl = Fadl).
4. A final h after a vowel goes (Fallujah = Falluja, Hezbollah = Hezbolla).
5. Doubled letters become one (Hassan = Hasan, Haqq = Haq, Sayyid = Sayid).
6. y and w before a vowel are consonants (Yasir, Wilayat, Fatimiyun); after a
   vowel and before a consonant or the end they close a diphthong: "ay" is
   kept (Husayn, Zaynab) and "aw" is a plain vowel (Zawr = Zor, Mawsil =
   Mosul); between consonants they are vowels.
7. Each run of vowels becomes one "a", except a run ending in ai, ei or ae,
   which becomes "ay" like a written diphthong (Hussein = Husayn, Zeinab =
   Zaynab, Kata'ib = Kataeb, Shaikh = Shaykh = Sheikh). So vowel quality
   never matters (Hezbollah = Hizballah = Hizbullah, Muhammad = Mohammed) but
   where vowels stand does (Hamas ≠ Homs, Hasan ≠ Husayn, Muhammad ≠
   Mahmoud).

Known limits: names told apart only by their vowels meet (Hamid and Hamad,
Qasim and Qassam, Basra and Busra); a vowel written in one spelling and not in
another keeps them apart (Tehran and Teheran); d and z (Ramadan and Ramazan)
stay apart. Changing these rules changes every stored key: rebuild the index
(`profiles.search.index_all`) in a data migration.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass

APOSTROPHES = frozenset("'’‘`´ʿʾʻʼ′")
_HYPHENS = frozenset("-‐‑")
_JOINERS = frozenset("\u200c\u200d\u0640")  # ZWNJ, ZWJ, tatweel

_ARABIC = str.maketrans(
    {
        "ٱ": "ا",  # alef wasla; أ إ آ lose their hamza or madda to NFKD
        "ى": "ي",
        "ی": "ي",
        "ې": "ي",
        "ک": "ك",
        "ة": "ه",
        "ۀ": "ه",
        "ء": None,
        "ı": "i",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "ħ": "h",
        "þ": "th",
    }
)
_ARABIC_ARTICLE = "ال"
_ALLAH = "الله"
_ABD = "عبد"

_ARTICLES = frozenset({"al", "el", "ul"})
#: Sun-letter forms of the article, by the consonant the next word starts with.
_SUN_ARTICLES = {
    f"{vowel}{consonant}": consonant
    for vowel in "aeu"
    for consonant in ("t", "th", "d", "dh", "r", "z", "s", "sh", "n")
}
_ALLAH_WORDS = frozenset({"allah", "ullah", "ollah", "illah"})
_SON = frozenset({"ibn", "bin", "ben", "bn"})
_ABD_WORD = re.compile(r"abd(?:[aeuo](?:l|th|dh|sh|[tdrzsn]))?")
_ABD_JOINED = re.compile(
    r"abd[aeuo](?:l|(?P<sun>th|dh|sh|[tdrzsn])(?=(?P=sun)))(?P<rest>.+)"
)

_LETTERS = (
    ("dj", "j"),
    ("ph", "f"),
    ("kh", "X"),
    ("gh", "k"),
    ("sh", "S"),
    ("th", "T"),
    ("dh", "d"),
    ("ck", "k"),
    ("ee", "i"),
    ("oo", "u"),
    ("ou", "u"),
    ("q", "k"),
    ("v", "w"),
)
_VOWELS = frozenset("aeiou")
_LATIN = re.compile(r"[a-z]")
_FINAL_H = re.compile(r"(?<=[aeiou])h$")
_DOUBLES = re.compile(r"([a-zA-Z])\1+")
_VOWEL_RUN = re.compile(r"[aeiou]+Y?")
_DIPHTHONGS = ("ai", "ei", "ae")


@dataclass(frozen=True)
class NameWord:
    """One word of a name: its key and where it stands in the text (`start`
    includes an article that was dropped before it)."""

    key: str
    start: int
    end: int


@dataclass
class _Token:
    raw: str
    start: int
    end: int
    hyphen_after: bool = False


def _is_word_char(char: str) -> bool:
    return (
        unicodedata.category(char)[0] in "LMN"
        or char in APOSTROPHES
        or char in _JOINERS
    )


#: Words recur from name to name (articles, kunyas, common names and places):
#: their keys are computed once per process (`search_names` builds dozens per
#: profile).
_WORDS_CACHED = 50_000


@functools.lru_cache(maxsize=_WORDS_CACHED)
def _normalise(word: str) -> str:
    word = "".join(c for c in word if c not in APOSTROPHES and c not in _JOINERS)
    word = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in word if not unicodedata.combining(c)).translate(_ARABIC)


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    start = None
    for index, char in enumerate([*text, " "]):
        if _is_word_char(char):
            if start is None:
                start = index
            continue
        if start is not None:
            raw = _normalise(text[start:index])
            if raw:
                tokens.append(_Token(raw, start, index))
            start = None
        if tokens and tokens[-1].end == index and char in _HYPHENS:
            tokens[-1].hyphen_after = True
    return tokens


def _is_article(token: _Token, following: _Token) -> bool:
    if token.raw in _ARTICLES or (token.raw == "l" and token.hyphen_after):
        return True
    consonant = _SUN_ARTICLES.get(token.raw)
    return consonant is not None and (
        token.hyphen_after or following.raw.startswith(consonant)
    )


def _drop_articles(tokens: list[_Token]) -> list[_Token]:
    kept: list[_Token] = []
    article_start = None
    for i, token in enumerate(tokens):
        if i + 1 < len(tokens) and _is_article(token, tokens[i + 1]):
            article_start = token.start if article_start is None else article_start
            continue
        if article_start is not None:
            token.start, article_start = article_start, None
        if (
            token.raw.startswith(_ARABIC_ARTICLE)
            and len(token.raw) > 2
            and token.raw != _ALLAH
        ):
            token.raw = token.raw[2:]
        kept.append(token)
    return kept


def _without_arabic_article(raw: str) -> str:
    return raw[2:] if raw.startswith(_ARABIC_ARTICLE) and len(raw) > 2 else raw


def _join_compounds(tokens: list[_Token]) -> list[_Token]:
    joined: list[_Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if following and _ABD_WORD.fullmatch(token.raw):
            token = _Token("abd" + following.raw, token.start, following.end)
            i += 1
        elif following and token.raw == _ABD:
            raw = _ABD + _without_arabic_article(following.raw)
            token = _Token(raw, token.start, following.end)
            i += 1
        elif joined and token.raw in (*_ALLAH_WORDS, _ALLAH):
            previous = joined.pop()
            token = _Token(previous.raw + token.raw, previous.start, token.end)
        if match := _ABD_JOINED.fullmatch(token.raw):
            token.raw = "abd" + match["rest"]
        elif token.raw.startswith(_ABD + _ARABIC_ARTICLE) and len(token.raw) > 5:
            token.raw = _ABD + token.raw[5:]
        if token.raw in _SON:
            token.raw = "bin"
        elif token.raw in ("ابن", "بن"):
            token.raw = "بن"
        joined.append(token)
        i += 1
    return joined


def _semivowels(word: str) -> str:
    """y and w as consonants (kept), diphthong ends (y → Y, w → a vowel) or
    vowels (y → i, w → u)."""
    out = []
    for i, char in enumerate(word):
        if char not in "yw":
            out.append(char)
            continue
        after_vowel = i > 0 and word[i - 1] in _VOWELS
        before_vowel = i + 1 < len(word) and word[i + 1] in _VOWELS
        if before_vowel:
            out.append(char)
        elif after_vowel:
            out.append("Y" if char == "y" else "u")
        else:
            out.append("i" if char == "y" else "u")
    return "".join(out)


def _vowel_run(match: re.Match) -> str:
    run = match.group()
    return "ay" if run.endswith("Y") or run.endswith(_DIPHTHONGS) else "a"


def _latin_key(word: str) -> str:
    for written, sound in _LETTERS:
        word = word.replace(written, sound)
    word = _FINAL_H.sub("", word)
    word = _DOUBLES.sub(r"\1", word)
    return _VOWEL_RUN.sub(_vowel_run, _semivowels(word))


@functools.lru_cache(maxsize=_WORDS_CACHED)
def _word_key(raw: str) -> str:
    return _latin_key(raw) if _LATIN.search(raw) else raw


def name_words(text: str) -> list[NameWord]:
    """The words of a name, each with its key and its place in `text`."""
    tokens = _join_compounds(_drop_articles(_tokens(text)))
    words = (NameWord(_word_key(t.raw), t.start, t.end) for t in tokens)
    return [word for word in words if word.key]


def name_key(text: str) -> str:
    """The key of a whole name: two spellings of a name have the same key.

    >>> name_key("Kata'ib Hezbollah") == name_key("Kataib Hizballah")
    True
    """
    return " ".join(word.key for word in name_words(text))


def name_keys(text: str) -> list[str]:
    """The key of the name from each of its words on: the whole name first,
    then without its first word, and so on, so that a search for a later word
    ("Muhandis") finds the name ("Abu Mahdi al-Muhandis")."""
    keys = [word.key for word in name_words(text)]
    return [" ".join(keys[i:]) for i in range(len(keys))]
