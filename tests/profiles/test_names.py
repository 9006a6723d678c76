"""Name-matching keys (`profiles.names`): spellings of one name meet, names
that differ stay apart."""

import pytest

from profiles.names import NameWord, name_key, name_keys, name_words

#: Spellings of one name found in sources on the region: groups, people and
#: places. Every spelling of a row must have the same key.
SAME_NAME = [
    # Groups
    ("Hezbollah", "Hizballah", "Hizbullah", "Hizbollah", "Hizb Allah"),
    ("Kata'ib", "Kataib", "Kataeb", "Kata’ib"),
    ("Kata'ib Hezbollah", "Kataib Hizballah", "Kataeb Hizbullah"),
    ("Fatemiyoun", "Fatimiyun", "Fatemiyun", "Fatimiyyun"),
    ("Zainabiyoun", "Zeynabiyoun", "Zainabiyun"),
    ("Asa'ib Ahl al-Haq", "Asaib Ahl al-Haqq", "Asa’ib Ahl ul-Haq"),
    ("Nujaba", "Nujabaa", "an-Nujaba", "al-Nujaba'"),
    ("Harakat Hezbollah al-Nujaba", "Harakat Hizballah an-Nujaba"),
    ("Kata'ib Sayyid al-Shuhada", "Kataib Sayyed al-Shohada"),
    ("Saraya al-Khorasani", "Saraya al-Khurasani"),
    ("Jaysh al-Mahdi", "Jaish al-Mahdi"),
    ("Ansar Allah", "Ansarullah", "Ansar-Allah"),
    ("Houthi", "Huthi"),
    ("Quds Force", "Qods Force"),
    ("Basij", "Baseej"),
    (
        "Liwa Abu al-Fadl al-Abbas",
        "Liwa Abu al-Fadhl al-Abbas",
        "Liwa Abu l-Fadl al-Abbas",
    ),
    ("Wilayat", "Velayat"),
    # People
    ("Muhandis", "Mohandes", "al-Muhandis"),
    ("Abu Mahdi al-Muhandis", "Abu Mehdi al-Mohandes", "Abou Mahdi el-Muhandis"),
    ("Qassem", "Qasim", "Kassem", "Qasem"),
    ("Soleimani", "Suleimani", "Sulaimani", "Solaimani"),
    ("Nasrallah", "Nasrullah", "Nasr Allah"),
    ("Muhammad", "Mohammed", "Mohamed", "Mohammad"),
    ("Hussein", "Husayn", "Hossein", "Husain", "Hussain"),
    ("Khalid al-Hasan", "Khalid al-Hassan", "Khaled al-Hasan"),
    ("Esmail Qaani", "Ismail Ghaani", "Isma'il Qa'ani"),
    ("Ali Khamenei", "Ali Khamene'i"),
    ("Ruhollah Khomeini", "Ruhallah Khumayni"),
    ("Sheikh", "Shaykh", "Shaikh"),
    ("Said", "Saeed", "Sa'id"),
    ("Jaafar", "Ja'far", "Jafar"),
    ("Akram al-Kaabi", "Akram al-Ka`bi"),
    (
        "Abd al-Aziz al-Muhammadawi",
        "Abdul Aziz al-Mohammadawi",
        "Abdulaziz al-Muhammadawi",
    ),
    ("Abdullah", "Abd Allah", "Abdallah", "Abdollah"),
    ("Abd al-Rahman", "Abdurrahman", "Abdul Rahman", "Abd ar-Rahman", "Abdel Rahman"),
    ("Hadi al-Amiri", "Hadi al-Ameri"),
    ("Qais al-Khazali", "Qays al-Khazali"),
    ("Muqtada al-Sadr", "Moqtada as-Sadr"),
    ("Bashar al-Assad", "Bashar al-Asad"),
    ("Imad Mughniyeh", "Imad Mughniyah"),
    ("Osama bin Laden", "Usama ibn Ladin"),
    ("Sayyida Zaynab", "Sayyidah Zeinab", "Sayida Zainab"),
    # Places
    ("Deir ez-Zor", "Deir al-Zour", "Dayr az-Zawr", "Deir ez Zor"),
    ("Mosul", "Mawsil"),
    ("Raqqa", "Rakka", "ar-Raqqah"),
    ("Fallujah", "Falluja"),
    ("Karbala", "Kerbela"),
    ("Beirut", "Bayrut"),
    ("Baalbek", "Ba'albek", "Baalbeck"),
    ("Homs", "Hims"),
    ("Tal Afar", "Tall Afar", "Tel Afar"),
    ("Jurf al-Sakhar", "Jurf as-Sakhar"),
    ("al-Qaim", "al-Qa'im"),
]

#: Names that look alike but are not the same name.
DIFFERENT_NAMES = [
    ("Aleppo", "Halab"),
    ("Damascus", "Dimashq"),
    ("Sidon", "Saida"),
    ("Hasan", "Husayn"),
    ("Hassan", "Hussein"),
    ("Hamas", "Homs"),
    ("Hamas", "Hamza"),
    ("Badr", "Bakr"),
    ("Najaf", "Nujaba"),
    ("Muhammad", "Mahmoud"),
    ("Ahmad", "Hamad"),
    ("Ali", "Alawi"),
    ("Sayyid", "Said"),
    ("Kataib", "Kitab"),
    ("Qais", "Qasim"),
    ("Khalid", "Walid"),
    ("Ramadi", "Ramadan"),
    ("Sadr", "Sudair"),
    ("Hezbollah", "Hizb ut-Tahrir"),
    ("Fatemiyoun", "Fatima"),
    ("Zainab", "Zainabiyoun"),
    ("Hussein", "Husseini"),
    ("Kata'ib Hezbollah", "Kata'ib Sayyid al-Shuhada"),
]


def _pairs(rows) -> list:
    return [
        pytest.param(row[0], other, id=f"{row[0]}={other}")
        for row in rows
        for other in row[1:]
    ]


def test_the_tables_are_large_enough():
    assert len(_pairs(SAME_NAME)) >= 30
    assert len(DIFFERENT_NAMES) >= 20


@pytest.mark.parametrize(("name", "other"), _pairs(SAME_NAME))
def test_spellings_of_one_name_have_one_key(name, other):
    assert name_key(name) == name_key(other)


@pytest.mark.parametrize(
    ("name", "other"),
    [pytest.param(a, b, id=f"{a}≠{b}") for a, b in DIFFERENT_NAMES],
)
def test_different_names_have_different_keys(name, other):
    assert name_key(name) != name_key(other)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Kata'ib Hezbollah", "katayb hazbala"),
        ("Khalid al-Hassan", "Xalad hasan"),
        ("Hussein", "hasayn"),
        ("Deir ez-Zor", "dayr zar"),
        ("Abd al-Aziz", "abdazaz"),
        ("Brigade 313", "bragada 313"),
    ],
)
def test_keys_are_readable_skeletons(text, key):
    assert name_key(text) == key


# Articles, apostrophes, accents, case ---------------------------------------------


@pytest.mark.parametrize(
    ("with_article", "without"),
    [
        ("al-Haq", "Haq"),
        ("Al Haq", "Haq"),
        ("el-Zour", "Zour"),
        ("ul-Haq", "Haq"),
        ("Abu l-Fadl", "Abu Fadl"),
        ("ad-Dawr", "Dawr"),
        ("an-Najaf", "Najaf"),
        ("ar-Ramadi", "Ramadi"),
        ("as-Sadr", "Sadr"),
        ("ash-Sham", "Sham"),
        ("at-Tanf", "Tanf"),
        ("az-Zubayr", "Zubayr"),
        ("ez-Zor", "Zor"),
        ("as Sadr", "Sadr"),
        ("ash Sham", "Sham"),
    ],
)
def test_the_article_does_not_matter(with_article, without):
    assert name_key(with_article) == name_key(without)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("al", "al"),  # nothing follows: a word, not an article
        ("Ali al", "ala al"),
        ("known as Baghdad", "knan as bakdad"),  # "as" before b is a word
        ("Allah", "ala"),
    ],
)
def test_words_that_only_look_like_the_article_stay(text, key):
    assert name_key(text) == key


@pytest.mark.parametrize("mark", ["'", "’", "‘", "ʿ", "ʾ", "`", "´", "ʻ"])
def test_apostrophes_do_not_matter(mark):
    assert name_key(f"Ja{mark}far al-Sa{mark}di") == name_key("Jafar al-Sadi")


@pytest.mark.parametrize(
    ("accented", "plain"),
    [
        ("Ḥizb Allāh", "Hezbollah"),
        ("Qāsim Sulaymānī", "Qasim Sulaymani"),
        ("Muqtadā al-Ṣadr", "Muqtada al-Sadr"),
        ("Saʿīd", "Said"),
        ("Ṭahrān", "Tahran"),
    ],
)
def test_accents_do_not_matter(accented, plain):
    assert name_key(accented) == name_key(plain)


def test_case_and_spacing_do_not_matter():
    assert name_key("  KATA'IB   hezbollah ") == name_key("Kata'ib Hezbollah")


@pytest.mark.parametrize("text", ["", "   ", "- ' –", "’"])
def test_text_without_letters_has_an_empty_key(text):
    assert name_key(text) == ""
    assert name_keys(text) == []


# Arabic script ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "other"),
    [
        ("كتائب حزب الله", "كتائب حِزْبُ اللّهِ"),  # tashkil and shadda
        ("كتائب حزب الله", "كتايب حزب الله"),  # hamza on its carrier
        ("حزب الله", "حزب ﷲ"),  # the ligature of Allah
        ("حزب الله", "حـــزب الله"),  # tatweel
        ("أبو مهدي المهندس", "ابو مهدى المهندس"),  # alef with hamza, alef maqsura
        ("إسماعيل قاآني", "اسماعيل قاانی"),  # alef forms, Persian ya
        ("ٱلحشد ٱلشعبي", "الحشد الشعبي"),  # alef wasla
        ("الحشد الشعبي", "حشد شعبي"),  # the article
        ("فاطمیون", "فاطميون"),  # Persian and Arabic ya
        ("لشکر فاطمیون", "لشكر فاطميون"),  # Persian and Arabic kaf
        ("سرايا الخراسانية", "سرايا الخراسانيه"),  # ta marbuta
        ("مؤسسة", "موسسه"),  # hamza on waw
        ("عبد العزيز المحمداوي", "عبدالعزيز المحمداوي"),  # Abd written apart or joined
        ("عبد الله", "عبدالله"),
        ("حزب الله", "حزب‌الله"),  # zero-width non-joiner
    ],
)
def test_arabic_spellings_of_one_name_have_one_key(name, other):
    assert name_key(name) == name_key(other)


@pytest.mark.parametrize(
    ("name", "other"),
    [
        ("حزب الله", "حزب الدعوة"),
        ("حلب", "حماه"),
        ("حسن", "حسين"),
        ("بدر", "بكر"),
    ],
)
def test_different_arabic_names_have_different_keys(name, other):
    assert name_key(name) != name_key(other)


def test_persian_letters_are_kept():
    assert name_key("سپاه پاسداران") == "سپاه پاسداران"
    assert name_key("گروه") != name_key("كروه")


def test_arabic_and_latin_keys_do_not_meet():
    assert name_key("حزب الله") != name_key("Hezbollah")


# Words -----------------------------------------------------------------------------


def test_name_keys_start_at_each_word():
    assert name_keys("Abu Mahdi al-Muhandis") == [
        "aba mahda mahandas",
        "mahda mahandas",
        "mahandas",
    ]


def test_name_words_say_where_each_word_stands():
    # A dropped article belongs to the word after it.
    assert name_words("Deir ez-Zor") == [
        NameWord("dayr", 0, 4),
        NameWord("zar", 5, 11),
    ]
    # Compounds span the words they join.
    assert name_words("Hizb Allah fighters") == [
        NameWord("hazbala", 0, 10),
        NameWord("faktars", 11, 19),
    ]
    assert name_words("كتائب حزب الله") == [
        NameWord("كتايب", 0, 5),
        NameWord("حزبالله", 6, 14),
    ]
