// A document and everything the pipeline learns about it.
//
// `Doc` owns the coded text and flat arrays of sentences, tokens, mentions and events. Annotations refer to
// each other by index and to the text by UTF-8 byte spans (see event.h `Span`): one unit, defined once.
// Components append to the arrays in pipeline order (pipeline.h); nothing else mutates a Doc.
//
// Thread safety: a Doc belongs to one worker at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tocsin/event.h"
#include "tocsin/status.h"

namespace tocsin {

// One input record (FORMAT.md "Input document"), as read from JSONL, a .txt file or stdin.
struct Input {
  std::string id;         // required: echoed into every event
  std::string text;       // raw text (may hold invalid UTF-8: the clean stage repairs it)
  std::string published;  // "YYYY-MM-DD" or ISO 8601; empty when unknown
  std::string lang;       // when set, language identification is skipped
  std::string url, source, title;
  std::string format;   // "text" (default) or "html": how `text` is to be read
  std::string charset;  // declared character set of `text` (HTTP header, feed), when not UTF-8
  std::string fetched;  // when a crawler fetched it (WARC-Date): the date to use when the page gives none
  std::string origin;  // where it came from, for messages: "seeds.jsonl:3", "notes/a.txt"
  std::vector<std::string> problems;  // survived while reading (repaired bytes): reported with the document
};

struct Sentence {
  Span span;
  uint32_t first_token = 0, token_count = 0;  // into Doc::tokens
  uint32_t paragraph = 0;                     // sentences separated by a blank line are in new paragraphs
  // Written in capitals (a headline: "POLICIA DISPERSA MARCHA"): at least 3 words, 70 % of them all upper
  // case. Its capitals tell nothing of names, acronyms or cues, and its words are read as if in lower case.
  bool in_capitals = false;
};

// Token flags (bit set).
enum TokenFlag : uint16_t {
  kTokWord = 1 << 0,       // letters (ICU word status letter/ideo/kana)
  kTokNumber = 1 << 1,     // digits, possibly with separators ("3,000", "20.000")
  kTokPunct = 1 << 2,      // anything else that is not whitespace
  kTokUpper = 1 << 3,      // starts with an upper-case letter
  kTokAllUpper = 1 << 4,   // every letter upper case ("USSR", "THE")
  kTokParaStart = 1 << 5,  // first token of a paragraph
  kTokJoiner = 1 << 6,     // a hyphen inside a compound ("water-sharing", "pro-government")
};

struct Token {
  Span span;                  // in Doc::text
  uint32_t folded_begin = 0;  // case-folded form: Doc::folded.substr(folded_begin, folded_len)
  uint32_t folded_len = 0;
  uint32_t stem_id = 0;   // lexicon term id of the Snowball stem; 0 = not in any lexicon
  uint32_t exact_id = 0;  // lexicon term id of the exact folded form; 0 = none
  uint32_t alt_id = 0;    // a name's term id reached without a case ending or clitic ("Бишкеке" → Бишкек)
  uint32_t translit_id = 0;  // a Latin name's term reached by transliteration ("Курманов" → Kurmanov)
  uint16_t flags = 0;
};

// What a mention refers to. Persisted in model files: do not renumber.
enum class MentionKind : uint8_t {
  kAgent,
  kPerson,
  kCountry,
  kDemonym,
  kCapital,
  kSeat,
  kOrganisation,
  kPlace,
  kPronoun,
  kTitle,
  kName,
};

// A recognised entity in the text: an actor, a place or a pronoun.
struct Mention {
  uint32_t sentence = 0;
  uint32_t first_token = 0, end_token = 0;  // token range [first, end) in Doc::tokens
  MentionKind kind = MentionKind::kAgent;
  Actor actor;              // for actor-like mentions (country/sector may be filled by later stages)
  int32_t place = -1;       // index into the model's places for kPlace/kCapital, else -1
  int32_t geo = -1;         // kPlace from the gazetteer: its row there (below -1 while still to be chosen)
  int32_t antecedent = -1;  // coreference: index of the mention this one refers to, else -1
  bool plural = false;
};

// A stretch of a document in another language than the rest (a quoted statement, a bilingual report).
struct LangSpan {
  Span span;         // whole paragraphs
  std::string lang;  // ISO 639-1
  double confidence = 0;
};

struct Doc {
  Input input;         // provenance as read (input.text is released after cleaning)
  std::string text;    // the coded text: NFC, whitespace hygiene, boilerplate removed
  std::string folded;  // arena of case-folded token forms
  std::string lang;    // "en"
  double lang_confidence = 0;
  std::string lang_basis;     // "input", "detected", "default"
  std::string lang_detector;  // "fasttext", "cld2" (when detected)
  std::vector<LangSpan> lang_spans;  // paragraphs in other languages, when the document mixes them
  std::vector<Span> removed;  // byte ranges of the input left out as page furniture (input offsets)
  std::vector<Sentence> sentences;
  std::vector<Token> tokens;
  std::vector<Mention> mentions;
  std::vector<Event> events;
  std::vector<Place> places;        // every place recognised in the text, used by an event or not
  std::vector<std::string> errors;  // what went wrong but was survived (repaired bytes, limits)
  std::vector<std::string> notes;   // what a reader should know that is not an error (no lexicons for a language)
  std::string focus_country;        // the country the document is mostly about, ISO3

  std::string_view folded_of(const Token& t) const {
    return std::string_view(folded).substr(t.folded_begin, t.folded_len);
  }
  std::string_view text_of(Span s) const { return std::string_view(text).substr(s.begin, s.end - s.begin); }
};

// Appends one FORMAT.md document record (no trailing newline) for `--docs`.
void AppendDocJson(const Doc& doc, std::string* out);

}  // namespace tocsin
