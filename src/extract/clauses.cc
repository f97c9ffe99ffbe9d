#include "extract/clauses.h"

namespace tocsin::extract {
namespace {

// The boundary a punctuation mark makes by itself (kStrong, kComma) or kNone. Quotation marks inside a
// sentence usually quote words ("called on Putin to “intervene”"), so they weigh like a comma; dashes,
// colons, semicolons and brackets end a clause. Every mark is at most three bytes: longer words are
// rejected by their length before any comparison (this runs for every token of every sentence viewed).
Boundary PunctuationBoundary(std::string_view w) {
  if (w.empty() || w.size() > 3) return Boundary::kNone;
  // Short words ("the", "of", "a") are told by their first byte: every mark below starts with one of these.
  switch (static_cast<unsigned char>(w[0])) {
    case ';': case ':': case '(': case ')': case '!': case '?': case ',': case '"': case '\'':
    case 0xE2: case 0xD8: case 0xC2:
      break;
    default:
      return Boundary::kNone;
  }
  if (w == ";" || w == ":" || w == "\xE2\x80\x94" /* — */ || w == "\xE2\x80\x93" /* – */ || w == "(" || w == ")" ||
      w == "!" || w == "?" || w == "\xD8\x9B" /* ؛ */ || w == "\xD8\x9F" /* ؟ */ || w == "\xC2\xA1" /* ¡ */ ||
      w == "\xC2\xBF" /* ¿ */)
    return Boundary::kStrong;
  if (w == "," || w == "\"" || w == "\xE2\x80\x9C" || w == "\xE2\x80\x9D" || w == "\xE2\x80\x98" || w == "'" ||
      w == "\xE2\x80\x99" || w == "\xD8\x8C" /* ، */ || w == "\xC2\xAB" /* « */ || w == "\xC2\xBB" /* » */ ||
      w == "\xE2\x80\x9E" /* „ */)
    return Boundary::kComma;
  return Boundary::kNone;
}

}  // namespace

SentenceView::SentenceView(const Doc& doc, const Scratch& s, uint32_t sentence)
    : doc_(doc), s_(s), lang_(s.sentence_lang[sentence]) {
  const Sentence& sent = doc.sentences[sentence];
  b_ = sent.first_token;
  e_ = sent.first_token + sent.token_count;
  in_capitals_ = sent.in_capitals;
  bound_.assign(sent.token_count, Boundary::kNone);
  for (uint32_t t = b_; t < e_; ++t) {
    const Boundary mark = PunctuationBoundary(word(t));
    Boundary bd;
    if (mark == Boundary::kStrong || s.fn[t] == Fn::kStrong)
      bd = Boundary::kStrong;
    // "since 2 January", "after 13 March": a conjunction that introduces a date is a preposition.
    else if ((s.fn[t] == Fn::kRel || s.fn[t] == Fn::kComp || s.fn[t] == Fn::kSub) &&
             !(t + 1 < e_ && s.used[t + 1] == kUsedByDate))
      bd = Boundary::kClause;
    else
      bd = mark;
    bound_[t - b_] = bd;
  }
  // A short parenthesis is an aside, not a clause: "El sindicato (CGT) exige", "the police (OMON) detained".
  for (uint32_t t = b_; t < e_; ++t) {
    if (word(t) != "(") continue;
    for (uint32_t u = t + 1; u < e_ && u <= t + 6; ++u) {
      if (word(u) == "(") break;
      if (word(u) != ")") continue;
      bound_[t - b_] = bound_[u - b_] = Boundary::kComma;
      break;
    }
  }
}

Boundary SentenceView::Between(uint32_t a, uint32_t b) const {
  Boundary out = Boundary::kNone;
  for (uint32_t t = a + 1; t < b; ++t)
    if (bound_[t - b_] > out) out = bound_[t - b_];
  return out;
}

bool SentenceView::SubBetween(uint32_t a, uint32_t b) const {
  for (uint32_t t = a + 1; t < b; ++t) {
    if (s_.fn[t] == Fn::kSub || bound_[t - b_] == Boundary::kStrong) return true;
    // "... and he refused": a coordinated clause with a subject pronoun of its own.
    // (A subject pronoun only: "and his government's repression" continues the phrase.)
    if (s_.fn[t] == Fn::kAnd && t + 1 < b) {
      const int32_t i = s_.mention_at[t + 1];
      if (i >= 0 && doc_.mentions[static_cast<size_t>(i)].kind == MentionKind::kPronoun && s_.fn[t + 1] != Fn::kPoss)
        return true;
    }
  }
  return false;
}

int32_t SentenceView::ActorAt(uint32_t t) const {
  const int32_t i = s_.mention_at[t];
  if (i < 0) return -1;
  const Mention& m = doc_.mentions[static_cast<size_t>(i)];
  switch (m.kind) {
    case MentionKind::kPlace:
      return -1;
    case MentionKind::kPronoun:
      // A possessive ("their weapon", "leur arme") names an owner, never a participant.
      return m.antecedent >= 0 && s_.fn[m.first_token] != Fn::kPoss ? i : -1;
    default:
      return i;
  }
}

Fn SentenceView::PrepositionBefore(const Mention& m) const {
  // A postpositional language marks the phrase after its noun: "Bişkek 'te", "polis tarafından".
  if (grammar().postpositions) {
    if (m.end_token < e_) {
      const Fn f = s_.fn[m.end_token];
      if (f != Fn::kNone && f != Fn::kAnd && f != Fn::kDet && f != Fn::kAdv) return f;
    }
    if (internal::EndsWithAny(word(m.end_token - 1), grammar().oblique_endings, 2)) return Fn::kPrep;
    return Fn::kNone;
  }
  // Skip determiners and adjectives-as-unknown words: "in the capital", "of the Kyrgyz opposition".
  uint32_t t = m.first_token;
  for (int steps = 0; t > b_ && steps < 3; ++steps) {
    const Fn f = s_.fn[t - 1];
    if (IsDetLike(f) || f == Fn::kAdv) {
      --t;
      continue;
    }
    return f;
  }
  return Fn::kNone;
}

bool SentenceView::InPrepositionalPhrase(const Mention& m) const {
  const Fn f = PrepositionBefore(m);
  // "hundreds of riot police", "some of the protesters": a partitive of-phrase is the head itself.
  if (f == Fn::kOf && m.first_token >= b_ + 2) {
    uint32_t of = m.first_token - 1;
    while (of > b_ && s_.fn[of] != Fn::kOf) --of;
    if (of > b_ && (s_.used[of - 1] == kUsedByNumber || s_.fn[of - 1] == Fn::kQuant)) return false;
  }
  return f == Fn::kOf || f == Fn::kLoc || f == Fn::kFrom || f == Fn::kWith || f == Fn::kBy || f == Fn::kTo ||
         f == Fn::kBetween || f == Fn::kPrep || f == Fn::kAgainst || f == Fn::kOn;
}

std::vector<int32_t> SentenceView::Coordinated(int32_t mention) const {
  std::vector<int32_t> out{mention};
  const Mention* m = &doc_.mentions[static_cast<size_t>(mention)];
  while (true) {
    uint32_t t = m->end_token;
    // "الشرطة والجيش": the conjunction is written on the next actor's first word.
    if (t < e_ && !grammar().and_prefixes.empty()) {
      const int32_t next = ActorAt(t);
      const std::string_view w = word(t);
      bool prefixed = false;
      for (const std::string& p : grammar().and_prefixes)
        prefixed = prefixed || (w.size() > p.size() + 2 && w.compare(0, p.size(), p) == 0);
      if (next >= 0 && prefixed && doc_.mentions[static_cast<size_t>(next)].first_token == t) {
        out.push_back(next);
        m = &doc_.mentions[static_cast<size_t>(next)];
        continue;
      }
    }
    // "X and Y", "X, Y and Z", "X and the Y" (a comma alone, "X, Y", is an apposition or a subject before
    // its clause: "Muhalefet lideri, hükümeti suçladı")
    if (t >= e_ || !(s_.fn[t] == Fn::kAnd || word(t) == ",")) break;
    if (word(t) == ",") {
      bool closed = false;
      for (uint32_t u = t + 1; u < e_ && u < t + 16 && !closed; ++u) {
        if (bound_[u - b_] > Boundary::kComma) break;
        closed = s_.fn[u] == Fn::kAnd;
      }
      if (!closed) break;
    }
    uint32_t u = t + 1;
    if (u < e_ && s_.fn[u] == Fn::kAnd) ++u;
    while (u < e_ && IsDetLike(s_.fn[u])) ++u;
    if (u >= e_) break;
    const int32_t next = ActorAt(u);
    if (next < 0 || doc_.mentions[static_cast<size_t>(next)].first_token != u) break;
    out.push_back(next);
    m = &doc_.mentions[static_cast<size_t>(next)];
  }
  return out;
}

std::vector<int32_t> SentenceView::SubjectBefore(uint32_t t) const {
  for (uint32_t u = t; u-- > b_;) {
    const Boundary bd = bound_[u - b_];
    if (bd == Boundary::kStrong) break;
    if (bd == Boundary::kClause) {
      // "the security forces who opened fire": the antecedent of a relative pronoun is the subject.
      if (s_.fn[u] == Fn::kRel) {
        for (uint32_t v = u; v-- > b_ && u - v <= 2;) {
          const int32_t a = ActorAt(v);
          if (a >= 0) return {a};
          if (word(v) != ",") break;
        }
      }
      break;
    }
    const int32_t a = ActorAt(u);
    if (a < 0) continue;
    const Mention& m = doc_.mentions[static_cast<size_t>(a)];
    if (InPrepositionalPhrase(m)) {
      u = m.first_token;
      continue;
    }
    // The first of a coordination: walk back to it.
    int32_t first = a;
    for (uint32_t v = m.first_token; v > b_ + 1;) {
      while (v > b_ + 1 && IsDetLike(s_.fn[v - 1])) --v;  // "X and the Y"
      const uint32_t c = v - 1;
      if (!(s_.fn[c] == Fn::kAnd || word(c) == ",")) break;
      const int32_t p = ActorAt(c - 1);
      if (p < 0) break;
      first = p;
      v = doc_.mentions[static_cast<size_t>(p)].first_token;
    }
    return Coordinated(first);
  }
  return {};
}

std::vector<int32_t> SentenceView::ObjectAfter(uint32_t t, bool stop_at_by) const {
  for (uint32_t u = t; u < e_ && u < t + 14; ++u) {
    const Boundary bd = bound_[u - b_];
    if (bd != Boundary::kNone) break;  // the object sits in the verb's own phrase
    if (stop_at_by && s_.fn[u] == Fn::kBy) break;
    const int32_t a = ActorAt(u);
    if (a < 0) continue;
    const Mention& m = doc_.mentions[static_cast<size_t>(a)];
    // "supports the policies of X": an of-phrase names the object's owner, which is the target; places
    // and by-phrases are not objects.
    const Fn p = PrepositionBefore(m);
    if (p == Fn::kLoc || p == Fn::kFrom || p == Fn::kBy) {
      u = m.end_token - 1;
      continue;
    }
    return Coordinated(a);
  }
  return {};
}

std::vector<int32_t> SentenceView::AfterPreposition(uint32_t t, Fn prep, uint32_t max_distance) const {
  for (uint32_t u = t; u < e_ && u < t + max_distance; ++u) {
    const Boundary bd = bound_[u - b_];
    if (bd == Boundary::kStrong || bd == Boundary::kClause) break;
    if (s_.fn[u] != prep) continue;
    for (uint32_t v = u + 1; v < e_ && v < u + 5; ++v) {
      const int32_t a = ActorAt(v);
      if (a >= 0) return Coordinated(a);
      if (bound_[v - b_] != Boundary::kNone) break;
    }
    return {};
  }
  return {};
}

bool SentenceView::IsPassive(uint32_t trigger_first) const {
  uint32_t t = trigger_first;
  if (Gerund(t)) return false;
  // Forms that are passive by themselves: Norwegian "arresteres", Russian "задержаны".
  if (internal::EndsWithAny(word(t), grammar().passive_endings, 3)) return true;
  // The auxiliary stands right before the participle, or (verb-final clauses: "wurden von der Polizei
  // festgenommen") anywhere earlier in the clause.
  const bool verb_final = grammar().order == internal::LangGrammar::Order::kSov ||
                          grammar().order == internal::LangGrammar::Order::kV2;
  for (int steps = 0; t > b_ && steps < (verb_final ? 10 : 3); ++steps) {
    const Fn f = s_.fn[t - 1];
    if (f == Fn::kBe) return true;
    if (f == Fn::kAdv || (verb_final && bound_[t - 1 - b_] == Boundary::kNone)) {
      --t;
      continue;
    }
    return false;
  }
  return false;
}

}  // namespace tocsin::extract
