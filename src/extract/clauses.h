// Shallow clause analysis over one sentence: boundaries, voice, arguments and modality scope.
//
// There is no parser to lean on (doc/extraction.md). Clause boundaries come from punctuation and the function
// words of function.tsv; the source of a verbal trigger is the nearest actor to its left that is not inside
// a prepositional phrase, stopping at a clause boundary (or the antecedent of a relative pronoun); its
// target is the first such actor to its right. Passive voice (be + participle) swaps them, with the
// by-phrase as source.
#pragma once

#include <vector>

#include "pipeline/scratch.h"
#include "tocsin/document.h"

namespace tocsin::extract {

enum class Boundary : uint8_t { kNone, kComma, kClause, kStrong };

class SentenceView {
 public:
  SentenceView(const Doc& doc, const Scratch& s, uint32_t sentence);

  uint32_t begin() const { return b_; }
  uint32_t end() const { return e_; }
  bool in_capitals() const { return in_capitals_; }  // Sentence::in_capitals
  Boundary boundary(uint32_t t) const { return bound_[t - b_]; }
  Fn fn(uint32_t t) const { return s_.fn[t]; }
  std::string_view word(uint32_t t) const { return doc_.folded_of(doc_.tokens[t]); }
  // The language's verb endings (lang.tsv): "accusing" is a gerund, "detained" a participle.
  const internal::LangGrammar& grammar() const {
    static const internal::LangGrammar kNone;
    return lang_ ? lang_->grammar : kNone;
  }
  bool Gerund(uint32_t t) const { return internal::EndsWithAny(word(t), grammar().gerund, 2); }
  bool Participle(uint32_t t) const { return internal::EndsWithAny(word(t), grammar().participle, 2); }
  // The strongest boundary strictly between tokens a and b (a < b), ignoring the tokens themselves.
  Boundary Between(uint32_t a, uint32_t b) const;
  bool SubBetween(uint32_t a, uint32_t b) const;  // a subordinating conjunction between a and b

  // Index of the actor mention covering token t, or -1. Places and unresolved pronouns are not actors.
  int32_t ActorAt(uint32_t t) const;
  // True when the mention is introduced by a preposition (in/of/from/with/by/to/between/against...).
  bool InPrepositionalPhrase(const Mention& m) const;
  Fn PrepositionBefore(const Mention& m) const;

  // Argument search. Each returns mention indices (several when coordinated: "Kyrgyz and Uzbeks").
  std::vector<int32_t> SubjectBefore(uint32_t t) const;                 // nearest actor to the left of token t
  std::vector<int32_t> ObjectAfter(uint32_t t, bool stop_at_by) const;  // first actor right of t
  std::vector<int32_t> AfterPreposition(uint32_t t, Fn prep, uint32_t max_distance) const;
  std::vector<int32_t> Coordinated(int32_t mention) const;
  bool IsPassive(uint32_t trigger_first) const;

 private:
  const Doc& doc_;
  const Scratch& s_;
  uint32_t b_, e_;
  bool in_capitals_;
  const internal::LangData* lang_;  // the sentence's language; null when it has no lexicons
  std::vector<Boundary> bound_;
};

}  // namespace tocsin::extract
