#include "text/segment.h"

#include <unicode/brkiter.h>
#include <unicode/filteredbrk.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>

#include <algorithm>
#include <cctype>

#include "text/normalize.h"
#include "text/uax29.h"
#include "text/utf8.h"

namespace tocsin::text {

struct Segmenter::Impl {
  std::unique_ptr<icu::BreakIterator> sentences;
  std::unique_ptr<icu::BreakIterator> words;
  // The direct implementation of the same rules (text/uax29.h), where ICU's rules are the ones it knows.
  bool fast_words = false;
  std::unique_ptr<uax29::SentenceRules> fast_sentences;
  // Boundaries of the range being segmented, from either; kept to reuse their memory.
  std::vector<uax29::WordSegment> word_segments;
  std::vector<uint32_t> sentence_ends;
};

Segmenter::Segmenter() : impl_(std::make_unique<Impl>()) {}
Segmenter::~Segmenter() = default;

Result<std::unique_ptr<Segmenter>> Segmenter::Create(const std::string& locale, const Options& options) {
  UErrorCode status = U_ZERO_ERROR;
  icu::Locale loc(locale.c_str());
  std::unique_ptr<Segmenter> s(new Segmenter());
  s->options_ = options;
  const std::vector<std::string>& abbreviations = options.abbreviations;
  std::unique_ptr<icu::BreakIterator> sentence(icu::BreakIterator::createSentenceInstance(loc, status));
  if (U_FAILURE(status)) return Status::Internal(std::string("ICU sentence iterator: ") + u_errorName(status));
  if (options.fast && uax29::SentenceRulesKnown(*sentence))
    s->impl_->fast_sentences = std::make_unique<uax29::SentenceRules>(abbreviations);
  if (!abbreviations.empty()) {
    std::unique_ptr<icu::FilteredBreakIteratorBuilder> builder(
        icu::FilteredBreakIteratorBuilder::createEmptyInstance(status));
    if (U_FAILURE(status)) return Status::Internal(std::string("ICU filter: ") + u_errorName(status));
    for (const std::string& a : abbreviations) {
      builder->suppressBreakAfter(icu::UnicodeString::fromUTF8(a), status);
      status = U_ZERO_ERROR;  // a duplicate is not an error worth failing for
    }
    icu::BreakIterator* wrapped = builder->wrapIteratorWithFilter(sentence.release(), status);
    if (U_FAILURE(status)) return Status::Internal(std::string("ICU filter: ") + u_errorName(status));
    sentence.reset(wrapped);
  }
  s->impl_->sentences = std::move(sentence);
  s->impl_->words.reset(icu::BreakIterator::createWordInstance(loc, status));
  if (U_FAILURE(status)) return Status::Internal(std::string("ICU word iterator: ") + u_errorName(status));
  s->impl_->fast_words = options.fast && uax29::WordRulesKnown(*s->impl_->words);
  return s;
}

namespace {

uint16_t Shape(std::string_view w, int32_t rule_status) {
  uint16_t f = 0;
  if (rule_status >= UBRK_WORD_NUMBER && rule_status < UBRK_WORD_NUMBER_LIMIT)
    f |= kTokNumber;
  else if (rule_status >= UBRK_WORD_LETTER)
    f |= kTokWord;
  else
    f |= kTokPunct;
  size_t i = 0;
  bool first = true, all_upper = true, any_letter = false;
  while (i < w.size()) {
    const unsigned char b = static_cast<unsigned char>(w[i]);
    if (b < 0x80) {  // ASCII without ICU's property lookups: the same answers
      ++i;
      const bool lower = b >= 'a' && b <= 'z', upper = b >= 'A' && b <= 'Z';
      if (lower || upper) {
        any_letter = true;
        if (first && upper) f |= kTokUpper;
        if (lower) all_upper = false;
        first = false;
      } else if (b >= '0' && b <= '9' && (f & kTokPunct)) {
        f = static_cast<uint16_t>((f & ~kTokPunct) | kTokNumber);
      }
      continue;
    }
    const char32_t c = NextCodePoint(w, i);
    if (u_isalpha(c)) {
      any_letter = true;
      const bool up = u_isupper(c) || u_istitle(c);
      if (first && up) f |= kTokUpper;
      if (!up) all_upper = false;
      first = false;
    } else if (u_isdigit(c) && (f & kTokPunct)) {
      f = static_cast<uint16_t>((f & ~kTokPunct) | kTokNumber);
    }
  }
  if (any_letter && all_upper) f |= kTokAllUpper;
  return f;
}

bool EndsWithPossessive(std::string_view w, size_t* cut) {
  static constexpr std::string_view kCurly = "\xE2\x80\x99s";  // ’s
  if (w.size() > kCurly.size() && w.substr(w.size() - kCurly.size()) == kCurly) {
    *cut = w.size() - kCurly.size();
    return true;
  }
  if (w.size() > 2 && w.substr(w.size() - 2) == "'s") {
    *cut = w.size() - 2;
    return true;
  }
  return false;
}

// The byte offset and length of the first inner apostrophe (' or ’) of a word, or npos.
std::pair<size_t, size_t> Apostrophe(std::string_view w) {
  for (size_t i = 1; i + 1 < w.size(); ++i) {
    if (w[i] == '\'') return {i, 1};
    if (w.compare(i, 3, "\xE2\x80\x99") == 0 && i + 3 < w.size()) return {i, 3};
  }
  return {std::string_view::npos, 0};
}

bool IsAllSpace(std::string_view w) {
  for (char c : w)
    if (c != ' ' && c != '\n') return false;
  return true;
}

}  // namespace

void Segmenter::Segment(Doc* doc, size_t max_tokens, Span range) {
  const std::string& text = doc->text;
  const uint32_t base = std::min<uint32_t>(range.begin, static_cast<uint32_t>(text.size()));
  const uint32_t limit = std::min<uint32_t>(range.end, static_cast<uint32_t>(text.size()));
  if (limit <= base) return;
  const std::string_view part(text.data() + base, limit - base);
  // Word segments and sentence ends of the range, relative to `base`: computed directly where the rules
  // allow (text/uax29.h), else by ICU over the UTF-8 without conversion.
  UText* ut = nullptr;
  UErrorCode status = U_ZERO_ERROR;
  auto icu_text = [&]() {
    if (!ut) ut = utext_openUTF8(nullptr, part.data(), static_cast<int64_t>(part.size()), &status);
    return U_SUCCESS(status);
  };
  std::vector<uax29::WordSegment>& words = impl_->word_segments;
  words.clear();
  if (!impl_->fast_words || !uax29::WordSegments(part, &words)) {
    words.clear();
    if (!icu_text()) return;
    impl_->words->setText(ut, status);
    int32_t start = impl_->words->first();
    for (int32_t end = impl_->words->next(); end != icu::BreakIterator::DONE; start = end, end = impl_->words->next())
      words.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(end), impl_->words->getRuleStatus()});
  }
  std::vector<uint32_t>& ends = impl_->sentence_ends;
  ends.clear();
  if (impl_->fast_sentences) {
    impl_->fast_sentences->Ends(part, &ends);
  } else {
    if (!icu_text()) return;
    impl_->sentences->setText(ut, status);
    impl_->sentences->first();
    for (int32_t e = impl_->sentences->next(); e != icu::BreakIterator::DONE; e = impl_->sentences->next())
      ends.push_back(static_cast<uint32_t>(e));
  }
  if (ut) utext_close(ut);

  auto add_token = [&](uint32_t b, uint32_t e, int32_t rule) {
    Token t;
    t.span = {b, e};
    std::string_view w(text.data() + b, e - b);
    t.flags = Shape(w, rule);
    if (w == "-" && !doc->tokens.empty() && doc->tokens.back().span.end == b && e < text.size() && text[e] != ' ')
      t.flags |= kTokJoiner;
    t.folded_begin = static_cast<uint32_t>(doc->folded.size());
    FoldCase(w, &doc->folded);
    t.folded_len = static_cast<uint32_t>(doc->folded.size() - t.folded_begin);
    doc->tokens.push_back(t);
  };

  // Walk words once over the whole text; cut the token stream at sentence boundaries.
  size_t next_end = 0;  // index in `ends` of the end of the open sentence
  const size_t first_new = doc->sentences.size();
  // Continue the paragraph count of an earlier range.
  uint32_t paragraph = doc->sentences.empty() ? 0 : doc->sentences.back().paragraph;
  uint32_t last_end = doc->sentences.empty() ? base : doc->sentences.back().span.end;
  auto open_sentence = [&](uint32_t begin) {
    // A blank line between the previous sentence and this one opens a paragraph.
    // (Search only the gap between the sentences: a search to the end of a long text is quadratic.)
    if (!doc->sentences.empty() && begin > last_end &&
        std::string_view(text).substr(last_end, begin - last_end).find("\n\n") != std::string_view::npos)
      ++paragraph;
    Sentence s;
    s.span = {begin, begin};
    s.first_token = static_cast<uint32_t>(doc->tokens.size());
    s.paragraph = paragraph;
    doc->sentences.push_back(s);
  };
  bool in_sentence = false;
  for (const uax29::WordSegment& seg : words) {
    const uint32_t b = base + seg.begin, e = base + seg.end;
    std::string_view w(text.data() + b, e - b);
    while (next_end < ends.size() && seg.begin >= ends[next_end]) {
      in_sentence = false;
      ++next_end;
    }
    if (IsAllSpace(w)) continue;
    if (!in_sentence || (max_tokens && doc->sentences.back().token_count >= max_tokens)) {
      open_sentence(b);
      in_sentence = true;
    }
    const int32_t rule = seg.status;
    // An elided word standing alone ("n'" in a lexicon pattern, "l' " before a quotation mark) keeps its
    // apostrophe, as it does when split off the word it elides into.
    if ((w == "'" || w == "\xE2\x80\x99") && !options_.elision.empty() && !doc->tokens.empty() &&
        doc->tokens.back().span.end == b && doc->sentences.back().token_count > 0) {
      Token& prev = doc->tokens.back();
      const std::string_view pf = doc->folded_of(prev);
      if (std::find(options_.elision.begin(), options_.elision.end(), pf) != options_.elision.end() &&
          prev.folded_begin + prev.folded_len == doc->folded.size()) {
        prev.span.end = e;
        doc->folded.push_back('\'');
        ++prev.folded_len;
        doc->sentences.back().span.end = e;
        last_end = e;
        continue;
      }
    }
    size_t cut = 0;
    if ((rule >= UBRK_WORD_LETTER) && EndsWithPossessive(w, &cut)) {
      add_token(b, b + static_cast<uint32_t>(cut), rule);
      add_token(b + static_cast<uint32_t>(cut), e, rule);
    } else if (rule >= UBRK_WORD_LETTER && (cut = SplitPoint(w)) != 0) {
      add_token(b, b + static_cast<uint32_t>(cut), rule);
      add_token(b + static_cast<uint32_t>(cut), e, rule);
    } else {
      add_token(b, e, rule);
    }
    Sentence& s = doc->sentences.back();
    s.token_count = static_cast<uint32_t>(doc->tokens.size()) - s.first_token;
    s.span.end = e;
    last_end = e;
  }
  // Paragraph starts: the first token of each paragraph.
  uint32_t prev_para = UINT32_MAX;
  for (const Sentence& s : doc->sentences) {
    if (s.paragraph != prev_para && s.token_count) doc->tokens[s.first_token].flags |= kTokParaStart;
    prev_para = s.paragraph;
  }
  // Sentences in capitals, among those of this range. (One-letter words, "A" or "Y", say nothing either way.)
  for (size_t i = first_new; i < doc->sentences.size(); ++i) {
    Sentence& s = doc->sentences[i];
    int words = 0, caps = 0;
    for (uint32_t t = s.first_token; t < s.first_token + s.token_count; ++t)
      if (doc->tokens[t].flags & kTokWord) {
        ++words;
        caps += (doc->tokens[t].flags & kTokAllUpper) && doc->tokens[t].folded_len > 1;
      }
    s.in_capitals = words >= 3 && caps * 10 >= words * 7;
  }
}

size_t Segmenter::SplitPoint(std::string_view w) const {
  if (options_.elision.empty() && !options_.apostrophe_split) return 0;
  const auto [at, len] = Apostrophe(w);
  if (at == std::string_view::npos) return 0;
  if (options_.apostrophe_split) return at;  // "Bişkek" | "'te"
  // "l'" | "armée", "qu'" | "il", "L'Armée" too: compare case-insensitively (elided words are ASCII).
  const std::string_view head = w.substr(0, at);
  for (const std::string& el : options_.elision) {
    if (el.size() != head.size()) continue;
    bool same = true;
    for (size_t i = 0; i < head.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(head[i])) == static_cast<unsigned char>(el[i]);
    if (same) return at + len;
  }
  return 0;
}

std::vector<std::string> Segmenter::Words(std::string_view pattern) {
  Doc d;
  d.text = std::string(pattern);
  Segment(&d, 0);
  std::vector<std::string> out;
  out.reserve(d.tokens.size());
  for (const Token& t : d.tokens) out.emplace_back(d.folded_of(t));
  return out;
}

}  // namespace tocsin::text
