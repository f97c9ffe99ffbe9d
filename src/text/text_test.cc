// UTF-8 hygiene, normalisation, case folding, segmentation.
#include <gtest/gtest.h>

#include <random>

#include "text/furniture.h"
#include "text/normalize.h"
#include "text/segment.h"
#include "text/stem.h"
#include "text/translit.h"
#include "text/utf8.h"

namespace tocsin::text {
namespace {

TEST(RepairUtf8, ReplacesEachBadSequenceOnceAndKeepsGoodText) {
  std::string out;
  EXPECT_EQ(RepairUtf8("ok \xC3\xA9 \xFF\xFE end", &out), 2u);
  EXPECT_EQ(out, "ok \xC3\xA9 \xEF\xBF\xBD\xEF\xBF\xBD end");
  EXPECT_EQ(RepairUtf8("cut \xE2\x80", &out), 1u);  // truncated three-byte sequence
  EXPECT_EQ(RepairUtf8("\xED\xA0\x80", &out), 1u);  // a surrogate is not UTF-8
  EXPECT_EQ(RepairUtf8("\xC0\xAF", &out), 1u);      // overlong "/": one broken sequence, one replacement
  EXPECT_EQ(RepairUtf8("Бишкек", &out), 0u);
  EXPECT_EQ(out, "Бишкек");
}

// The eight-byte fast paths must not step over a bad byte wherever it falls.
TEST(RepairUtf8, FindsABadByteAtEveryPosition) {
  for (size_t k = 0; k < 24; ++k) {
    std::string text(24, 'a'), out;
    text[k] = '\xFF';
    EXPECT_EQ(RepairUtf8(text, &out), 1u) << k;
    EXPECT_EQ(out, text.substr(0, k) + "\xEF\xBF\xBD" + text.substr(k + 1)) << k;
    std::string with_nul(24, 'a');
    with_nul[k] = '\0';
    EXPECT_TRUE(LooksBinary(with_nul)) << k;
  }
}

TEST(LooksBinary, TellsDataFromTextInAnyScript) {
  EXPECT_TRUE(LooksBinary(std::string("PK\x03\x04\0\0", 6)));
  EXPECT_FALSE(LooksBinary("Протестующие вышли на улицы Алматы."));
  EXPECT_FALSE(LooksBinary("Latin-1 é\xE9 in a long enough English sentence about protests in the capital city."));
  EXPECT_FALSE(LooksBinary(""));
}

// FoldCase takes a table for most characters; it must fold every word exactly as ICU does: every code point
// of the Basic Multilingual Plane, alone and between others, including the ones the table sends back to ICU.
TEST(FoldCase, TableGivesWhatIcuGivesForEveryCharacter) {
  for (char32_t c = 0x80; c < 0x10000; ++c) {
    if (c >= 0xD800 && c < 0xE000) continue;
    std::string ch;
    AppendUtf8(c, &ch);
    for (const std::string& word : {ch, "A" + ch + "b", ch + ch, "I" + ch, ch + "\xC3\x89"}) {
      std::string fast = "x", icu = "x";  // FoldCase appends
      FoldCase(word, &fast);
      FoldCaseIcu(word, &icu);
      ASSERT_EQ(fast, icu) << "U+" << std::hex << static_cast<uint32_t>(c);
    }
  }
}

// The phrase index finds exactly what searching each phrase finds: phrases at the start and the end, of one
// byte, overlapping, sharing their first two bytes, and none.
TEST(Furniture, PhraseIndexFindsWhatASearchPerPhraseFinds) {
  Furniture plain;
  plain.phrases = {"donate", "donation", "do", "x", "share this", "\xC3\xA9" "crire", "leave a reply", "ab"};
  Furniture indexed = plain;
  indexed.Index();
  for (const char* text : {"", "d", "donat", "donate", "please donate now", "share thi", "share this",
                           "\xC3\xA9" "crire", "leave a repl", "cab", "x", "abc"})
    EXPECT_EQ(indexed.ContainsPhrase(text), plain.ContainsPhrase(text)) << text;
  std::mt19937 rng(3);
  const std::string alphabet = "abdeinortxs \xC3\xA9";
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (int n = std::uniform_int_distribution<int>(0, 30)(rng); n > 0; --n)
      text.push_back(alphabet[std::uniform_int_distribution<size_t>(0, alphabet.size() - 1)(rng)]);
    ASSERT_EQ(indexed.ContainsPhrase(text), plain.ContainsPhrase(text)) << text;
  }
}

TEST(CleanText, NoBreakSpacesCrlfAndBlankLines) {
  std::string out;
  CleanText("Le\xC2\xA0gouvernement\xE2\x80\xAF: \t ok \r\n\r\n\r\n\r\nNext  line  \r\nend", &out);
  EXPECT_EQ(out, "Le gouvernement : ok\n\nNext line\nend");
}

TEST(CleanText, ComposesToNfcAndDropsZeroWidthCharacters) {
  std::string out;
  CleanText("Re\xCC\x81publique\xE2\x80\x8B du Kazakhstan\xC2\xAD", &out);  // e + combining acute, ZWSP, soft hyphen
  EXPECT_EQ(out, "R\xC3\xA9publique du Kazakhstan");
}

TEST(FoldCase, FoldsScriptsAndTypographicApostrophes) {
  std::string out;
  FoldCase("HAVEN\xE2\x80\x99T", &out);
  EXPECT_EQ(out, "haven't");
  out.clear();
  FoldCase("БИШКЕК", &out);
  EXPECT_EQ(out, "бишкек");
}

TEST(Segmenter, AbbreviationsDoNotEndSentencesButNewlinesDo) {
  Segmenter::Options en;
  en.abbreviations = {"Gen.", "U.S."};
  auto seg = Segmenter::Create("en", en);
  ASSERT_TRUE(seg.ok());
  Doc d;
  d.text = "Gen. Ivanov met U.S. envoys. Talks failed.\nHeadline without stop\nLast one.";
  (*seg)->Segment(&d, 0);
  ASSERT_EQ(d.sentences.size(), 4u);
  EXPECT_EQ(d.text_of(d.sentences[0].span), "Gen. Ivanov met U.S. envoys.");
  EXPECT_EQ(d.text_of(d.sentences[2].span), "Headline without stop");
}

TEST(Segmenter, SplitsPossessivesAndKeepsNumbersWhole) {
  auto seg = Segmenter::Create("en", {});
  ASSERT_TRUE(seg.ok());
  auto words = (*seg)->Words("Kyrgyzstan\xE2\x80\x99s 3,000 troops, pro-government");
  EXPECT_EQ(words, (std::vector<std::string>{"kyrgyzstan", "'s", "3,000", "troops", ",", "pro", "-", "government"}));
}

TEST(Segmenter, SplitsElidedWordsOnlyWhereTheLanguageHasThem) {
  Segmenter::Options fr;
  fr.elision = {"l", "d", "n", "qu"};
  auto seg = Segmenter::Create("fr", fr);
  ASSERT_TRUE(seg.ok());
  EXPECT_EQ((*seg)->Words("L'armée n\xE2\x80\x99" "a pas tiré sur aujourd'hui"),
            (std::vector<std::string>{"l'", "armée", "n'", "a", "pas", "tiré", "sur", "aujourd'hui"}));
  // A pattern of the elided word alone tokenises as it does inside a word.
  EXPECT_EQ((*seg)->Words("n'"), (std::vector<std::string>{"n'"}));
  EXPECT_EQ((*seg)->Words("plus d\xE2\x80\x99"), (std::vector<std::string>{"plus", "d'"}));
  auto en = Segmenter::Create("en", {});
  ASSERT_TRUE(en.ok());
  EXPECT_EQ((*en)->Words("don't"), (std::vector<std::string>{"don't"}));
}

TEST(Segmenter, SplitsSuffixesAfterAnApostropheWhenAsked) {
  Segmenter::Options tr;
  tr.apostrophe_split = true;
  auto seg = Segmenter::Create("tr", tr);
  ASSERT_TRUE(seg.ok());
  EXPECT_EQ((*seg)->Words("Bişkek'te"), (std::vector<std::string>{"bişkek", "'te"}));
}

TEST(Segmenter, ParagraphsAreCountedAtBlankLines) {
  auto seg = Segmenter::Create("en", {});
  ASSERT_TRUE(seg.ok());
  Doc d;
  d.text = "One. Two.\n\nThree.";
  (*seg)->Segment(&d, 0);
  ASSERT_EQ(d.sentences.size(), 3u);
  EXPECT_EQ(d.sentences[1].paragraph, 0u);
  EXPECT_EQ(d.sentences[2].paragraph, 1u);
}

TEST(Segmenter, LongRunsAreCutAtTheTokenLimit) {
  auto seg = Segmenter::Create("en", {});
  ASSERT_TRUE(seg.ok());
  Doc d;
  for (int i = 0; i < 50; ++i) d.text += "word ";
  (*seg)->Segment(&d, 20);
  EXPECT_EQ(d.sentences.size(), 3u);
}

TEST(Stemmer, SnowballAndIdentity) {
  auto en = Stemmer::Create("english");
  ASSERT_TRUE(en);
  EXPECT_EQ(en->Stem("stormed"), "storm");
  EXPECT_EQ(std::string(en->Stem("opening")), "open");
  auto none = Stemmer::Create("none");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->Stem("бишкеке"), "бишкеке");
  EXPECT_EQ(Stemmer::Create("klingon"), nullptr);
}

TEST(NameKey, FoldsTheSpellingsOfOneName) {
  EXPECT_EQ(NameKey("Akayev"), NameKey("Akaev"));
  EXPECT_EQ(NameKey("Aynur"), NameKey("Ainur"));
  EXPECT_EQ(NameKey("Kyyiv"), NameKey("Kyiv"));
  EXPECT_EQ(NameKey("Zelens'kyy"), NameKey("Zelensky"));
  EXPECT_NE(NameKey("Osh"), NameKey("Oshe"));
  EXPECT_EQ(NameKey("---"), "");
}

TEST(Transliterator, BgnRulesGiveThePressSpellings) {
  auto kk = Transliterator::Create("Russian-Latin/BGN; Kazakh-Latin/BGN");
  ASSERT_TRUE(kk.ok()) << kk.status().ToString();
  EXPECT_EQ((*kk)->ToLatin("Жаңаөзен"), "Zhangaozen");
  EXPECT_EQ((*kk)->ToLatin("Назарбаев"), "Nazarbayev");
  auto kz = Transliterator::Create("Kazakh-Latin/BGN");
  ASSERT_TRUE(kz.ok());
  EXPECT_EQ((*kz)->ToLatin("Айнур Курманов"), "Ainur Kurmanov");
  EXPECT_FALSE(Transliterator::Create("Klingon-Latin").ok());
}

TEST(Stemmer, SuffixRulesKeepThreeLetters) {
  // Ukrainian has no Snowball stemmer: the longest listed ending goes, if three letters stay.
  auto uk = Stemmer::Create("suffix", {"і", "ові", "ами", "а"});
  ASSERT_TRUE(uk);
  EXPECT_EQ(std::string(uk->Stem("протестувальниками")), "протестувальник");
  EXPECT_EQ(std::string(uk->Stem("києві")), "києв");
  EXPECT_EQ(std::string(uk->Stem("іва")), "іва");  // two letters would be left: unchanged
}

}  // namespace
}  // namespace tocsin::text
