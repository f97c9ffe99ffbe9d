// The direct word and sentence rules against ICU's iterators: same segments, statuses and sentence ends on
// random text drawn from every character class, with and without abbreviation filters, and on the example
// texts of every language with that language's abbreviations.
#include "text/uax29.h"

#include <gtest/gtest.h>
#include <unicode/brkiter.h>
#include <unicode/filteredbrk.h>
#include <unicode/utext.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/json.h"
#include "text/segment.h"

namespace tocsin::text::uax29 {
namespace {

std::string Describe(std::string_view s) {
  std::string out;
  json::AppendString(s, &out);
  return out;
}

std::vector<WordSegment> IcuWords(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> it(icu::BreakIterator::createWordInstance(icu::Locale("en"), status));
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  it->setText(ut, status);
  std::vector<WordSegment> out;
  int32_t start = it->first();
  for (int32_t end = it->next(); end != icu::BreakIterator::DONE; start = end, end = it->next())
    out.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(end), it->getRuleStatus()});
  utext_close(ut);
  return out;
}

std::vector<uint32_t> IcuSentenceEnds(std::string_view text, const std::vector<std::string>& abbreviations) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> it(icu::BreakIterator::createSentenceInstance(icu::Locale("en"), status));
  if (!abbreviations.empty()) {
    std::unique_ptr<icu::FilteredBreakIteratorBuilder> b(icu::FilteredBreakIteratorBuilder::createEmptyInstance(status));
    for (const std::string& a : abbreviations) {
      b->suppressBreakAfter(icu::UnicodeString::fromUTF8(a), status);
      status = U_ZERO_ERROR;
    }
    it.reset(b->wrapIteratorWithFilter(it.release(), status));
  }
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  it->setText(ut, status);
  std::vector<uint32_t> out;
  it->first();
  for (int32_t e = it->next(); e != icu::BreakIterator::DONE; e = it->next()) out.push_back(static_cast<uint32_t>(e));
  utext_close(ut);
  return out;
}

bool SameWords(std::string_view text, std::string* why) {
  std::vector<WordSegment> fast;
  if (!WordSegments(text, &fast)) return true;  // left to ICU
  const std::vector<WordSegment> icu = IcuWords(text);
  for (size_t i = 0; i < std::max(fast.size(), icu.size()); ++i) {
    if (i < fast.size() && i < icu.size() && fast[i].begin == icu[i].begin && fast[i].end == icu[i].end &&
        fast[i].status == icu[i].status)
      continue;
    *why = "text " + Describe(text) + ", segment " + std::to_string(i) + ": ";
    if (i < fast.size())
      *why += "direct " + Describe(text.substr(fast[i].begin, fast[i].end - fast[i].begin)) + "/" +
              std::to_string(fast[i].status);
    if (i < icu.size())
      *why += " ICU " + Describe(text.substr(icu[i].begin, icu[i].end - icu[i].begin)) + "/" +
              std::to_string(icu[i].status);
    return false;
  }
  return true;
}

bool SameSentences(std::string_view text, const SentenceRules& rules, const std::vector<std::string>& abbreviations,
                   std::string* why) {
  std::vector<uint32_t> fast;
  if (!text.empty()) rules.Ends(text, &fast);
  const std::vector<uint32_t> icu = IcuSentenceEnds(text, abbreviations);
  if (fast == icu) return true;
  *why = "text " + Describe(text) + ": direct ends";
  for (uint32_t e : fast) *why += " " + std::to_string(e);
  *why += ", ICU ends";
  for (uint32_t e : icu) *why += " " + std::to_string(e);
  return false;
}

// Pieces of text from every class the rules tell apart, and some they leave to ICU.
const std::vector<std::string>& Pieces() {
  static const std::vector<std::string> pieces = {
      "a", "b", "z", "A", "M", "Z", "Mr", "St", "U", "S", "Ph", "D", "e", "g", "No", "word", "Word", "WORD",
      "0", "1", "42", "2024", ".", ".", ".", ",", ";", ":", "'", "\xE2\x80\x99", "\xE2\x80\x98", "\"", "!", "?",
      "(", ")", "[", "]", "\xC2\xAB", "\xC2\xBB", "\xE2\x80\x9C", "\xE2\x80\x9D", "-", "_", "@", "/", "#", "%",
      " ", " ", " ", "  ", "\t", "\n", "\r", "\r\n", "\v", "\f", "\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9",
      "\xC2\xA0", "\xE3\x80\x80", "\xC3\xA9", "\xC3\x9F", "\xC3\x89", "\xD0\x91", "\xD0\xB8", "\xD1\x88",
      "\xD8\xA7", "\xD9\x84", "\xD9\xA3", "\xD9\xAB", "\xD9\xAC", "\xD8\x9F", "\xE0\xA4\x95", "\xE0\xA4\xBE",
      "\xCC\x81", "\xE2\x80\x8D", "\xE2\x80\x8C", "\xC2\xAD", "\xE2\x81\xA0", "\xE2\x80\xA6", "\xC2\xB7",
      "\xD6\x89", "\xE3\x80\x82", "\xCD\xBE", "\xC2\xBF", "\xC2\xA1", "\xCE\xB1", "\xCE\xA9", "\xD5\xA1",
      "\xE1\x83\x90", "\xEF\xBC\x8E", "\xEF\xBC\x9A", "\xE2\x80\xA4", "\xE2\x80\x94", "\xE2\x80\x93",
      "\xF0\x9D\x90\x80",  // a mathematical capital (a supplementary letter)
      // Left to ICU: Han, katakana, hiragana, Thai, Hebrew, emoji, a regional indicator, a Hangul syllable.
      "\xE4\xB8\xAD", "\xE3\x82\xA2", "\xE3\x81\xB2", "\xE0\xB8\x81", "\xD7\x90", "\xF0\x9F\x98\x80",
      "\xF0\x9F\x87\xB0", "\xEA\xB0\x80"};
  return pieces;
}

std::string RandomText(std::mt19937& rng, size_t max_pieces) {
  const std::vector<std::string>& pieces = Pieces();
  std::uniform_int_distribution<size_t> len(0, max_pieces), pick(0, pieces.size() - 1);
  std::string s;
  for (size_t n = len(rng), i = 0; i < n; ++i) s += pieces[pick(rng)];
  return s;
}

TEST(Uax29, WordSegmentsMatchIcuOnRandomText) {
  std::mt19937 rng(20261122);
  int fast = 0;
  for (int i = 0; i < 40000; ++i) {
    const std::string text = RandomText(rng, i % 2 ? 6 : 24);
    std::vector<WordSegment> ignored;
    fast += WordSegments(text, &ignored);
    std::string why;
    ASSERT_TRUE(SameWords(text, &why)) << why;
  }
  EXPECT_GT(fast, 10000);  // most texts take the direct path: the comparison above is not vacuous
}

TEST(Uax29, WordSegmentsLeaveDictionaryScriptsToIcu) {
  std::vector<WordSegment> out;
  EXPECT_FALSE(WordSegments("\xE5\x8C\x97\xE4\xBA\xAC", &out));           // 北京
  EXPECT_FALSE(WordSegments("\xE0\xB8\x81\xE0\xB8\xB2\xE0\xB8\xA3", &out));  // Thai
  EXPECT_FALSE(WordSegments("ok \xF0\x9F\x98\x80", &out));                 // emoji
  EXPECT_TRUE(WordSegments("Protesters in Bishkek, 3,000 of them.", &out));
}

TEST(Uax29, SentenceEndsMatchIcuOnRandomText) {
  const std::vector<std::vector<std::string>> lists = {
      {},
      {"Mr.", "St.", "No.", "e.g.", "U.S.", "Ph.D.", "Ph.", "a.m.", "D."},
      {"U.S.", "U.K.", "U.N.", "e.g.", "i.e."},
      {"\xD0\xB3.", "\xD1\x83\xD0\xBB.", "M."}};
  std::mt19937 rng(11221);
  for (const auto& abbreviations : lists) {
    const SentenceRules rules(abbreviations);
    for (int i = 0; i < 30000; ++i) {
      const std::string text = RandomText(rng, i % 2 ? 8 : 30);
      std::string why;
      ASSERT_TRUE(SameSentences(text, rules, abbreviations, &why)) << why;
    }
  }
}

TEST(Uax29, SentenceEndsFollowIcusAbbreviationQuirks) {
  const std::vector<std::string> abbreviations = {"Mr.", "U.S.", "Ph.D.", "no."};
  const SentenceRules rules(abbreviations);
  for (const char* text : {"Mr. Brown spoke. Then he left.", "Mr.  Brown spoke.", "It was the piano. Then it",
                           "The U.S. Army came. Then", "A Ph.D. Student left. Then", "He said no. Then",
                           "Ask Mr. (Brown) now. Go", "Wait... What? Yes!! No."}) {
    std::string why;
    EXPECT_TRUE(SameSentences(text, rules, abbreviations, &why)) << why;
  }
}

// Every example text of every language, with its own abbreviations: the texts Tocsin is tested on.
TEST(Uax29, MatchesIcuOnTheExampleTextsOfEveryLanguage) {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(TOCSIN_SOURCE_DIR);
  int texts = 0;
  for (const auto& dir : fs::directory_iterator(root / "tests" / "lang")) {
    const std::string iso = dir.path().filename().string();
    std::vector<std::string> abbreviations;
    std::ifstream af(root / "data" / "lang" / iso / "abbreviations.txt");
    for (std::string line; std::getline(af, line);)
      if (!line.empty() && line[0] != '#') abbreviations.push_back(line);
    const SentenceRules rules(abbreviations);
    std::ifstream cases(dir.path() / "cases.jsonl");
    for (std::string line; std::getline(cases, line);) {
      // The "text" field, unescaped by hand: the cases are written with plain \" and \n escapes.
      const size_t at = line.find("\"text\": \"");
      if (at == std::string::npos) continue;
      std::string text;
      for (size_t i = at + 9; i < line.size() && line[i] != '"'; ++i) {
        if (line[i] == '\\' && i + 1 < line.size()) {
          ++i;
          text.push_back(line[i] == 'n' ? '\n' : line[i]);
        } else {
          text.push_back(line[i]);
        }
      }
      std::string why;
      ASSERT_TRUE(SameWords(text, &why)) << iso << ": " << why;
      ASSERT_TRUE(SameSentences(text, rules, abbreviations, &why)) << iso << ": " << why;
      ++texts;
    }
  }
  EXPECT_GT(texts, 500);
}

}  // namespace
}  // namespace tocsin::text::uax29
