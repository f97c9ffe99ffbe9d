// The events component: triggers become events with a category, mode, modality, source and target.
//
// Modality is a scope question (doc/extraction.md). For each trigger the cues before it in the sentence are
// tried from the nearest outwards; the first whose scope covers the trigger decides:
//   next        the next few tokens, no punctuation between ("no", "without")
//   clause      up to the next clause boundary; commas do not stop it ("will", "would", "not", "must");
//               "not" and "must" reach a dozen tokens, future and conditional auxiliaries the whole clause
//               with its coordinated verbs ("it will reconstitute X, and rule ..., through carrying out Y")
//   complement  the clause the cue introduces, up to a strong boundary or a subordinating conjunction
//               ("urged X to", "ruled out", "said that")
// A `report` cue does not change modality; it records the speaker in `reported_by` and the search goes on
// outwards. An `allege` cue ("accused X of orchestrating protests") keeps the content from being coded as
// a deed: no event is emitted for it; a `background` cue ("amid", "recent") does the same for nominal
// triggers, which it names as circumstances. A sentence that opens with a bare verb trigger ("Stop the
// shooting!") is an imperative: requested.
#include <algorithm>

#include "extract/clauses.h"
#include "pipeline/registry.h"
#include "pipeline/scratch.h"

namespace tocsin {
namespace {

using internal::CueKind;
using internal::CueScope;
using internal::Entry;
using internal::EntryKind;

namespace config {
constexpr uint32_t kNextScope = 3;         // tokens a `next` cue reaches
constexpr uint32_t kClauseScope = 12;      // tokens a `clause` cue (not, must) reaches
constexpr uint32_t kComplementScope = 30;  // tokens a `complement` cue reaches
constexpr uint32_t kNounPlaceReach = 8;    // "a sit-in outside the regional governor's office in Andijan"
constexpr uint32_t kNounSubjectReach = 5;  // "protesters staged a march": subject to nominal trigger
}  // namespace config

std::optional<Modality> ModalityOf(CueKind k) {
  switch (k) {
    case CueKind::kNegation:
      return Modality::kNegated;
    case CueKind::kRequest:
    case CueKind::kDeontic:
    case CueKind::kExhort:
      return Modality::kRequested;
    case CueKind::kPromise:
      return Modality::kPromised;
    case CueKind::kThreat:
      return Modality::kThreatened;
    case CueKind::kPrediction:
      return Modality::kPredicted;
    case CueKind::kHypothetical:
      return Modality::kHypothetical;
    case CueKind::kPast:
      return Modality::kAsserted;
    default:
      return std::nullopt;
  }
}

std::string_view CueName(CueKind k) {
  static constexpr std::string_view kNames[] = {"none",       "negation",     "request",    "promise",    "threat",
                                                "prediction", "hypothetical", "deontic",    "report",     "allege",
                                                "exhort",     "past",         "concessive", "background", "occur"};
  return kNames[static_cast<size_t>(k)];
}

// Categories that relate two parties (a promise, a meeting, a demand): coded only with the party that
// acts. Violent and mass categories can be coded from a passive with a victim, a count or a place alone.
bool Relational(EventType t) {
  return !(t == EventType::kProtest || t == EventType::kAssault || t == EventType::kCoerce ||
           t == EventType::kMobilize);
}

bool TerminalPunctuation(std::string_view w) {
  return w == "." || w == "!" || w == "?" || w == ":" || w == "\xE2\x80\xA6" /* … */ || w == "\"" ||
         w == "\xE2\x80\x9D" || w == "\xE2\x80\x99" || w == "'" || w == ")" || w == "\xC2\xBB" /* » */;
}

class EventsComponent final : public Component {
 public:
  std::string_view name() const override { return "events"; }
  std::vector<std::string_view> needs() const override { return {"mentions"}; }
  std::vector<std::string_view> provides() const override { return {"events"}; }

  Status Process(Doc& doc, Scratch& s) const override {
    if (!s.any_lexicons()) return Status::Ok();
    // A trigger yields at most one event: room for them all up front, so that no event (some twenty strings
    // and vectors) is moved when the vector grows.
    {
      size_t triggers = 0;
      for (const internal::Match& m : s.matches) triggers += s.entry(m).kind == EntryKind::kTrigger;
      doc.events.reserve(doc.events.size() + triggers);
    }
    uint32_t para_first = 0;
    for (uint32_t si = 0; si < doc.sentences.size(); ++si) {
      if (si > 0 && doc.sentences[si].paragraph != doc.sentences[si - 1].paragraph) para_first = si;
      Sentence(doc, s, si, para_first);
    }
    return Status::Ok();
  }

 private:
  // True when the trigger is inside a name: a capitalised trigger word preceded by a capitalised word
  // ("Orange Revolution"), or covered by an unknown-name mention.
  static bool InName(const Doc& doc, const Scratch& s, const extract::SentenceView& sv, const internal::Match& m,
                     const Entry& e) {
    for (uint32_t t = m.begin; t < m.end; ++t) {
      const int32_t mi = s.mention_at[t];
      if (mi >= 0 && doc.mentions[static_cast<size_t>(mi)].kind == MentionKind::kName) return true;
    }
    // "the ‘Tulip revolution’": a name right before a nominal trigger, perhaps inside quotation marks.
    if (e.flags & internal::kTrigNoun) {
      for (uint32_t t = m.begin; t-- > sv.begin() && m.begin - t <= 2;) {
        const int32_t mi = s.mention_at[t];
        if (mi >= 0 && doc.mentions[static_cast<size_t>(mi)].kind == MentionKind::kName) return true;
        if (!(doc.tokens[t].flags & kTokPunct) || sv.word(t) == "," || sv.word(t) == ".") break;
      }
    }
    const Token& first = doc.tokens[m.begin];
    if ((first.flags & kTokUpper) && m.begin > sv.begin() + 1 && !sv.in_capitals()) {
      const Token& prev = doc.tokens[m.begin - 1];
      if ((prev.flags & kTokUpper) && (prev.flags & kTokWord)) return true;
    }
    return false;
  }

  std::string Rule(const Scratch& s, const Entry& e) const {
    return s.model->files[e.file] + ":" + std::to_string(e.line) + " `" + e.pattern + "`";
  }

  // True when nothing but adverbials stands before token `t` in its sentence: no actor, no quotation mark,
  // no other punctuation than commas ("El martes, exigieron ...").
  static bool OpensWithVerb(const Doc& doc, const Scratch& s, const extract::SentenceView& sv, uint32_t t) {
    for (uint32_t u = sv.begin(); u < t; ++u)
      if (s.mention_at[u] >= 0 || ((doc.tokens[u].flags & kTokPunct) && sv.word(u) != ",")) return false;
    return true;
  }

  // The subject a sentence without one carries on, where the language drops subjects (lang.tsv
  // `pro_drop`): that of the first verb trigger of the sentence before in the paragraph, or the one that
  // sentence carried on itself ("Los mineros marcharon. Exigen ... Amenazan con ...").
  std::vector<int32_t> DroppedSubject(const Doc& doc, const Scratch& s, uint32_t si, uint32_t para_first) const {
    for (uint32_t p = si; p-- > para_first && si - p <= 3;) {
      extract::SentenceView pv(doc, s, p);
      if (!pv.grammar().pro_drop) return {};
      bool opens_with_verb = false;
      for (uint32_t k = s.sentence_matches[p]; k < s.sentence_matches[p + 1]; ++k) {
        const internal::Match& m = s.matches[k];
        const Entry& e = s.entry(m);
        if (e.kind != EntryKind::kTrigger || (e.flags & (internal::kTrigNoun | internal::kTrigIgnore))) continue;
        if (auto subj = pv.SubjectBefore(m.begin); !subj.empty()) return subj;
        opens_with_verb = opens_with_verb || OpensWithVerb(doc, s, pv, m.begin);
      }
      if (!opens_with_verb) return {};
    }
    return {};
  }

  // The speaker introduced by a sentence ending in a colon ("Paul Murphy ... posted on Facebook, Jan 7:")
  // speaks the next paragraph: subjectless clauses there are theirs.
  std::optional<int32_t> ColonSpeaker(const Doc& doc, const Scratch& s, uint32_t si, uint32_t para_first) const {
    const uint32_t para = doc.sentences[si].paragraph;
    // The sentence before this paragraph (found through the paragraph's first sentence, not by walking).
    for (uint32_t p = para_first; p-- > 0;) {
      const tocsin::Sentence& prev = doc.sentences[p];
      if (prev.paragraph + 1 != para || !prev.token_count) return std::nullopt;
      if (doc.folded_of(doc.tokens[prev.first_token + prev.token_count - 1]) != ":") return std::nullopt;
      extract::SentenceView pv(doc, s, p);
      for (uint32_t t = pv.begin(); t < pv.end(); ++t) {
        const int32_t a = pv.ActorAt(t);
        if (a >= 0 && !pv.InPrepositionalPhrase(doc.mentions[static_cast<size_t>(a)])) return a;
      }
      return std::nullopt;
    }
    return std::nullopt;
  }

  // What one trigger yields before the decision to keep it.
  struct Candidate {
    Event ev;
    std::vector<int32_t> src, tgt;  // mention indices
    bool noun = false;
    bool anchored = true;            // a nominal trigger tied to participants, a place, a date or a figure
    const Cue* governing = nullptr;  // the cue that set a non-asserted modality
  };

  // Cues of sentence `si`: cue entries, and triggers that govern a complement ("urged ... to"). Sorted
  // from the end of the sentence backwards, so that scanning finds the nearest cue first.
  // Into `cues` (cleared first).
  void Cues(const Doc& doc, const Scratch& s, const extract::SentenceView& sv, uint32_t si,
            std::vector<Cue>* out) const {
    std::vector<Cue>& cues = *out;
    cues.clear();
    for (uint32_t k = s.sentence_matches[si]; k < s.sentence_matches[si + 1]; ++k) {
      const internal::Match& m = s.matches[k];
      const Entry& e = s.entry(m);
      if (e.kind != EntryKind::kCue && !(e.kind == EntryKind::kTrigger && e.cue)) continue;
      // A one-word cue written with a capital inside a sentence is a name ("May Day", "Will Smith").
      if (e.kind == EntryKind::kCue && m.end == m.begin + 1 && m.begin > sv.begin() &&
          (doc.tokens[m.begin].flags & kTokUpper) && !(doc.tokens[m.begin - 1].flags & kTokPunct) &&
          !doc.sentences[si].in_capitals)
        continue;
      // A trigger inside a name governs nothing either: "militantes de un Acuerdo Político Antineoliberal
      // procedían a bloqueos" promises no blockade.
      if (e.kind == EntryKind::kTrigger && InName(doc, s, sv, m, e)) continue;
      Cue c;
      c.sentence = si;
      c.first_token = m.begin;
      c.end_token = m.end;
      c.kind = static_cast<CueKind>(e.cue);
      c.scope = static_cast<CueScope>(e.scope);
      c.entry = m.entry;
      cues.push_back(c);
    }
    std::sort(cues.begin(), cues.end(), [](const Cue& a, const Cue& b) { return a.end_token > b.end_token; });
  }

  // `verb_at[t - sv.begin()]` is 1 where a trigger starts and 2 where a cue starts (words Tocsin knows as
  // predicates), 0 elsewhere.
  bool InScope(const extract::SentenceView& sv, const Cue& c, uint32_t trigger,
               const std::vector<uint8_t>& verb_at) const {
    // Verb last: the verb of demanding, threatening or denying follows what it governs ("...serbest
    // bırakılmasını istedi", "...güç kullanmakla tehdit etti").
    if (sv.grammar().order == internal::LangGrammar::Order::kSov && c.scope == CueScope::kComplement &&
        c.first_token > trigger && c.first_token <= trigger + 10 &&
        sv.Between(trigger, c.first_token) < extract::Boundary::kClause)
      return true;
    // Negation after the verb, where the language puts it there ("skjøt ikke", "schoss nicht").
    // (German puts it at the end of the middle field: "schoss nach Angaben des Ministeriums nicht auf".)
    if (c.first_token > trigger && c.kind == CueKind::kNegation && sv.grammar().negation_after &&
        c.first_token <= trigger + 8 && sv.Between(trigger, c.first_token) == extract::Boundary::kNone) {
      bool other_verb = false;
      for (uint32_t t = trigger + 1; t < c.first_token; ++t) other_verb = other_verb || verb_at[t - sv.begin()] == 1;
      if (!other_verb) return true;
    }
    if (c.end_token > trigger) return false;
    const uint32_t dist = trigger - c.end_token;
    switch (c.scope) {
      case CueScope::kNext: {
        // Only the next trigger: "Ingen ble skadet i sammenstøtene" negates the injuries, not the clashes.
        for (uint32_t t = c.end_token; t < trigger; ++t)
          if (verb_at[t - sv.begin()]) return false;
        return dist <= config::kNextScope && sv.Between(c.end_token - 1, trigger) == extract::Boundary::kNone;
      }
      case CueScope::kClause: {
        const bool modal = c.kind == CueKind::kPrediction || c.kind == CueKind::kHypothetical;
        return (modal || dist <= config::kClauseScope) &&
               sv.Between(c.end_token - 1, trigger) <= extract::Boundary::kComma &&
               !sv.SubBetween(c.end_token - 1, trigger);
      }
      case CueScope::kComplement: {
        // "mothers demanding higher benefits and detained its organisers": a participle cue governs its
        // own phrase only.
        if (sv.Gerund(c.first_token))
          for (uint32_t t = c.end_token; t < trigger; ++t)
            if (sv.fn(t) == Fn::kAnd || sv.boundary(t) != extract::Boundary::kNone) return false;
        // ", calling its members criminals": a participle clause after a comma is not the complement.
        // (Only a known predicate: ", deepening corruption, and ..." is a list, not a clause.)
        for (uint32_t t = c.end_token; t + 1 < trigger; ++t) {
          if (sv.word(t) == "," && sv.Gerund(t + 1) && verb_at[t + 1 - sv.begin()])
            return false;
        }
        return dist <= config::kComplementScope && !sv.SubBetween(c.end_token - 1, trigger);
      }
    }
    return false;
  }

  // The agent of a passive without a by-phrase after the verb: a by-phrase before a clause-final verb
  // ("wurden von der Polizei festgenommen"), a postposition (Turkish "polis tarafından"), or a case ending
  // (Russian instrumental "задержаны полицией").
  static void PassiveAgent(const Doc& doc, const extract::SentenceView& sv, const internal::Match& m,
                           const std::vector<int32_t>& tgt, std::vector<int32_t>* src, std::string* how) {
    const internal::LangGrammar& g = sv.grammar();
    auto is_target = [&](int32_t a) { return std::find(tgt.begin(), tgt.end(), a) != tgt.end(); };
    for (uint32_t u = m.begin; u-- > sv.begin();) {
      if (sv.boundary(u) >= extract::Boundary::kClause) break;
      if (sv.fn(u) == Fn::kBy &&
          (g.order == internal::LangGrammar::Order::kSov || g.order == internal::LangGrammar::Order::kV2)) {
        if (auto a = sv.AfterPreposition(u, Fn::kBy, 2); !a.empty() && !is_target(a.front())) {
          *src = std::move(a);
          *how = "passive, by-phrase before the verb";
          return;
        }
      }
      if (sv.fn(u) == Fn::kByAfter && u > sv.begin()) {
        if (const int32_t a = sv.ActorAt(u - 1); a >= 0 && !is_target(a)) {
          *src = sv.Coordinated(a);
          *how = "passive, agent postposition";
          return;
        }
      }
    }
    if (g.agent_endings.empty()) return;
    auto marked = [&](int32_t a) {
      const Mention& mn = doc.mentions[static_cast<size_t>(a)];
      return internal::EndsWithAny(sv.word(mn.end_token - 1), g.agent_endings, 3) && !is_target(a);
    };
    for (uint32_t u = m.end; u < sv.end() && u < m.end + 8; ++u) {
      if (sv.boundary(u) != extract::Boundary::kNone) break;
      if (const int32_t a = sv.ActorAt(u); a >= 0 && marked(a)) {
        *src = sv.Coordinated(a);
        *how = "passive, agent by case ending";
        return;
      }
    }
    for (uint32_t u = m.begin; u-- > sv.begin() && m.begin - u <= 6;) {
      if (sv.boundary(u) != extract::Boundary::kNone) break;
      if (const int32_t a = sv.ActorAt(u); a >= 0 && marked(a)) {
        *src = sv.Coordinated(a);
        *how = "passive, agent by case ending";
        return;
      }
    }
  }

  void Arguments(const Doc& doc, const Scratch& s, const extract::SentenceView& sv, const internal::Match& m,
                 const Entry& e, uint32_t si, bool sentence_has_count, std::optional<int32_t> speaker,
                 uint32_t para_first, int32_t participle_agent, Candidate* c) const {
    Event& ev = c->ev;
    std::vector<int32_t>& src = c->src;
    std::vector<int32_t>& tgt = c->tgt;
    std::string how;
    // A verb form after a determiner or possessive is a noun: "Akayev’s remaining support", "the fight".
    c->noun = e.flags & internal::kTrigNoun;
    // (A date in between ends the search: "impuso el miércoles sanciones" keeps the verb.)
    for (uint32_t t = m.begin; !c->noun && t-- > sv.begin() && m.begin - t <= 2;) {
      if (IsDetLike(sv.fn(t)))
        c->noun = true;
      else if (sv.fn(t) != Fn::kNone || s.mention_at[t] >= 0 || (doc.tokens[t].flags & kTokPunct) || s.used[t])
        break;
    }
    if (c->noun) {
      auto between = sv.AfterPreposition(m.end, Fn::kBetween, 3);
      if (between.size() == 1) {
        // "between pro-government forces, dressed in civilian clothing, and opposition protesters"
        const uint32_t after = doc.mentions[static_cast<size_t>(between[0])].end_token;
        auto other = sv.AfterPreposition(after, Fn::kAnd, 16);
        between.insert(between.end(), other.begin(), other.end());
      }
      if (!between.empty()) {
        src = {between[0]};
        tgt.assign(between.begin() + 1, between.end());
        how = "between X and Y";
      }
      if (src.empty()) {
        src = sv.AfterPreposition(m.end, Fn::kBy, 4);
        if (!src.empty()) how = "by-phrase";
      }
      // ("on" names a victim only for force: "a crackdown on protesters", not "a rally on the square".)
      const bool force = ev.type == EventType::kAssault || ev.type == EventType::kCoerce;
      if (tgt.empty() && m.end < sv.end() &&
          (sv.fn(m.end) == Fn::kAgainst || (force && sv.fn(m.end) == Fn::kOn) ||
           (!e.text2.empty() && sv.word(m.end) == e.text2))) {
        // "a crackdown on protesters", "protests against X", "an investigation into two police commanders"
        // (the trigger's own target_after word)
        for (uint32_t u = m.end + 1; u < sv.end() && u < m.end + 5 && tgt.empty(); ++u) {
          if (sv.boundary(u) != extract::Boundary::kNone) break;
          if (const int32_t a = sv.ActorAt(u); a >= 0) tgt = sv.Coordinated(a);
        }
        // "protests against the rise in gas prices in Kazakhstan": what is protested belongs to the country
        // named at the end of the phrase.
        for (uint32_t u = m.end + 5; u < sv.end() && u < m.end + 11 && tgt.empty(); ++u) {
          if (sv.boundary(u) != extract::Boundary::kNone || sv.fn(u) == Fn::kRel || sv.fn(u) == Fn::kSub) break;
          const int32_t a = sv.ActorAt(u);
          if (a >= 0 && doc.mentions[static_cast<size_t>(a)].kind == MentionKind::kCountry) tgt = {a};
        }
        if (!tgt.empty()) how = "against/on-phrase";
      }
      if (tgt.empty() && (ev.type == EventType::kConsult || ev.type == EventType::kCooperate)) {
        tgt = sv.AfterPreposition(m.end, Fn::kWith, 3);  // "talks with X", "a call with X"
        if (!tgt.empty()) how = "with-phrase";
      }
      if (src.empty() && ev.type == EventType::kProtest) {
        // "The uprising has been under way since 2 January, with the oil workers in Zhanaozen"
        src = sv.AfterPreposition(m.end, Fn::kWith, 12);
        if (!src.empty()) how = "with-phrase (participants)";
      }
      // The of-phrase right after the noun: who acts for protests, resignations, withdrawals and
      // deployments ("the resignation of the minister"); who suffers otherwise ("repression of the media").
      if (m.end < sv.end() && sv.fn(m.end) == Fn::kOf) {
        auto of = sv.AfterPreposition(m.end, Fn::kOf, 1);
        const bool actor_of = ev.type == EventType::kProtest || ev.type == EventType::kConcede ||
                              ev.type == EventType::kRetreat || ev.type == EventType::kMobilize;
        if (!of.empty() && actor_of && src.empty()) {
          src = of;
          how = "X of Y (participants)";
        } else if (!of.empty() && !actor_of && tgt.empty()) {
          tgt = of;
          how = "X of Y (target)";
        }
      }
      if (src.empty() && m.begin > sv.begin()) {
        // "the opposition rally", "the oil workers' sit-in", "Kyrgyzstan's protests"
        uint32_t before = m.begin - 1;
        const std::string_view pw = sv.word(before);
        if ((pw == "'" || pw == "'s" || pw == "\xE2\x80\x99" || pw == "\xE2\x80\x99s") && before > sv.begin()) --before;
        const int32_t mod = sv.ActorAt(before);
        if (mod >= 0 && !sv.InPrepositionalPhrase(doc.mentions[static_cast<size_t>(mod)])) {
          src = {mod};
          how = "modifier";
        }
      }
      // "The workers used their main weapon against the government: the strike." A noun standing alone after
      // a colon at the end of the sentence names what the clause before it speaks of, and takes its subject.
      if (src.empty()) {
        uint32_t open = m.begin;
        while (open > sv.begin() && (IsDetLike(sv.fn(open - 1)) || sv.fn(open - 1) == Fn::kAdv)) --open;
        uint32_t rest = m.end;
        while (rest < sv.end() && rest < m.end + 2 && s.mention_at[rest] < 0 && !(doc.tokens[rest].flags & kTokPunct))
          ++rest;
        const bool alone = rest + 1 >= sv.end();
        if (alone && open > sv.begin() + 1 && sv.word(open - 1) == ":") {
          src = sv.SubjectBefore(open - 1);
          if (!src.empty()) how = "noun after a colon: the clause's subject";
          // ... and whom the clause was against ("their weapon against the government").
          for (uint32_t t = sv.begin(); t + 1 < open - 1 && tgt.empty(); ++t)
            if (sv.fn(t) == Fn::kAgainst) {
              tgt = sv.AfterPreposition(t, Fn::kAgainst, 1);
              if (!tgt.empty()) how += "; its target after against";
            }
        }
      }
      // A nominal trigger is an event only when the text anchors it: its own participants, a place
      // right after it, a date or a figure. "The uprising" alone refers back to a happening already
      // coded; "giving rise to protests" states none. An episode noun ("uprising", "revolution") needs
      // an explicit date, or a place when it is not definite ("mass unrest in the country").
      const bool episode = e.flags & internal::kTrigEpisode;
      bool definite = false;
      for (uint32_t t = m.begin; t-- > sv.begin() && m.begin - t <= 3;) {
        if (IsDetLike(sv.fn(t))) {
          definite = sv.fn(t) != Fn::kIndef;
          break;
        }
        if (sv.fn(t) != Fn::kNone || (doc.tokens[t].flags & kTokPunct)) break;
      }
      bool dated = false, placed = false;
      for (uint32_t k = s.sentence_dates[si]; k < s.sentence_dates[si + 1]; ++k) {
        const DateMention& d = s.dates[k];
        if (!d.anchors || (episode && d.date.basis != "explicit")) continue;
        const uint32_t lo = std::min(d.first_token, m.begin), hi = std::max(d.first_token, m.begin);
        if (!definite || sv.Between(lo, hi) < extract::Boundary::kClause) dated = true;
      }
      // "protests in Atyrau", "protests spread from Atyrau": a locative right after the noun or its verb.
      uint32_t loc = m.end;
      while (loc < sv.end() && loc < m.end + 3 && sv.fn(loc) != Fn::kLoc && sv.fn(loc) != Fn::kFrom &&
             sv.boundary(loc) == extract::Boundary::kNone && s.mention_at[loc] < 0)
        ++loc;
      if (loc < sv.end() && (sv.fn(loc) == Fn::kLoc || (sv.fn(loc) == Fn::kFrom && loc > m.end))) {
        for (uint32_t u = loc + 1; u < sv.end() && u < loc + 1 + config::kNounPlaceReach; ++u) {
          if (sv.boundary(u) >= extract::Boundary::kClause) break;
          const int32_t mi = s.mention_at[u];
          if (mi < 0) continue;
          const Mention& pm = doc.mentions[static_cast<size_t>(mi)];
          placed =
              pm.kind == MentionKind::kPlace || pm.kind == MentionKind::kCapital || pm.kind == MentionKind::kCountry;
          if (placed) break;
        }
      }
      c->anchored = episode ? (dated || (placed && !definite))
                            : (!src.empty() || !tgt.empty() || sentence_has_count || dated || placed);
      // Once anchored, the clause subject of a light verb is the source: "protesters staged a march",
      // "X held talks with Y"; a subjectless clause after "X wrote:" is X's.
      if (src.empty()) {
        auto subj = sv.SubjectBefore(m.begin);
        if (!subj.empty() &&
            m.begin - doc.mentions[static_cast<size_t>(subj.back())].end_token <= config::kNounSubjectReach) {
          src = subj;
          how += how.empty() ? "clause subject" : "; clause subject";
        } else if (subj.empty() && speaker && sv.Between(sv.begin(), m.begin) <= extract::Boundary::kComma) {
          src = {*speaker};
          how += "; speaker introduced by a colon";
        }
      }
    } else {
      // (An intransitive verb has no passive: "sind auf die Straße gegangen", "møttes".)
      const bool passive =
          (e.flags & internal::kTrigPassive) || (!(e.flags & internal::kTrigIntrans) && sv.IsPassive(m.begin));
      if (passive) {
        tgt = sv.SubjectBefore(m.begin);
        src = sv.AfterPreposition(m.end, Fn::kBy, 8);
        how = "passive";
        if (src.empty()) {
          // An agent marked after it ("polis tarafından") stands where the subject search looks first.
          PassiveAgent(doc, sv, m, {}, &src, &how);
          if (!src.empty() && !tgt.empty() && std::find(tgt.begin(), tgt.end(), src.front()) != tgt.end())
            tgt = sv.SubjectBefore(doc.mentions[static_cast<size_t>(src.front())].first_token);
        }
        if (tgt.empty()) {
          // "Были задержаны 50 человек": the subject of a passive may follow it.
          auto after = sv.ObjectAfter(m.end, true);
          if (!after.empty() && (src.empty() || after.front() != src.front())) tgt = after;
        }
        // "The troops must be withdrawn", "3,000 troops have been sent in": without a by-phrase the
        // subject of a withdrawal, deployment or resignation is the party that moves.
        if (src.empty() &&
            (ev.type == EventType::kRetreat || ev.type == EventType::kMobilize || ev.type == EventType::kConcede)) {
          src.swap(tgt);
          how = "passive, subject moves";
        }
      } else {
        src = sv.SubjectBefore(m.begin);
        if (!(e.flags & internal::kTrigIntrans)) tgt = sv.ObjectAfter(m.end, true);
        how = "active";
        // "opened fire on the crowd", "called on X": the trigger names the word before its target.
        if (!e.text2.empty()) {
          for (uint32_t u = m.end; u < sv.end() && u < m.end + 5; ++u) {
            if (sv.boundary(u) != extract::Boundary::kNone) break;
            if (sv.word(u) != e.text2) continue;
            if (auto after = sv.AfterPreposition(u, sv.fn(u), 2); !after.empty()) {
              tgt = std::move(after);
              how = "active, target after `" + e.text2 + "`";
            }
            break;
          }
        }
        using Order = internal::LangGrammar::Order;
        const Order order = sv.grammar().order;
        // The actors of the clause before the verb that are not in a prepositional phrase, left to right.
        std::vector<int32_t> before;
        if (order == Order::kSov || order == Order::kV2) {
          for (uint32_t u = m.begin; u-- > sv.begin();) {
            if (sv.boundary(u) >= extract::Boundary::kClause) break;
            const int32_t a = sv.ActorAt(u);
            if (a < 0) continue;
            const Mention& mn = doc.mentions[static_cast<size_t>(a)];
            u = mn.first_token;
            if (!sv.InPrepositionalPhrase(mn)) before.insert(before.begin(), a);
          }
          // The first of them is the subject; one closer to a clause-final verb is its object ("Die Polizei
          // hat am Montag 50 Demonstranten festgenommen").
          if (!before.empty()) {
            src = sv.Coordinated(before.front());
            if (before.size() > 1 && !(e.flags & internal::kTrigIntrans) &&
                std::find(src.begin(), src.end(), before.back()) == src.end()) {
              tgt = sv.Coordinated(before.back());
              how = "subject first, object before the verb";
            }
          }
        }
        // Verb second with another phrase first: the subject follows the verb ("I går stormet demonstranter
        // ...", "Am Sonntag protestierten Tausende"), or stands inside a separable verb ("åpnet politiet ild").
        // An actor inside the trigger's gap is its subject, in verb-first and verb-second clauses.
        auto subject_inside = [&](const char* rule) {
          for (uint32_t u = m.begin + 1; u + 1 < m.end; ++u) {
            const int32_t a = sv.ActorAt(u);
            if (a < 0) continue;
            src = sv.Coordinated(a);
            tgt = (e.flags & internal::kTrigIntrans) ? std::vector<int32_t>{} : sv.ObjectAfter(m.end, true);
            how = rule;
            return;
          }
        };
        // The subject after the verb, and the object after the subject.
        auto subject_after = [&](const char* rule) {
          auto after = sv.ObjectAfter(m.end, true);
          if (after.empty()) return;
          src = after;
          const uint32_t end = doc.mentions[static_cast<size_t>(after.back())].end_token;
          tgt = (e.flags & internal::kTrigIntrans) ? std::vector<int32_t>{} : sv.ObjectAfter(end, true);
          how = rule;
        };
        if (order == Order::kV2 && before.empty()) {
          subject_inside("verb second, subject inside the verb");
          if (src.empty()) subject_after("verb second, subject after the verb");
        }
        if (order == Order::kVso && m.end > m.begin + 2) {
          // Verb first: "أطلقت قوات الأمن النار" (fired the security forces the fire).
          subject_inside("verb-subject-object, subject inside the trigger");
        }
        if (src.empty() && m.begin > sv.begin() && (doc.tokens[m.begin - 1].flags & kTokPunct) &&
            (ev.type == EventType::kProtest || ev.type == EventType::kRequest || ev.type == EventType::kAccuse ||
             ev.type == EventType::kReject || ev.type == EventType::kThreaten)) {
          // After a quotation, the speaker follows the verb: "«Resign!», chanted the crowd", "— скандировала
          // толпа".
          auto after = sv.ObjectAfter(m.end, true);
          if (!after.empty()) {
            src = after;
            tgt.clear();
            how = "speaker after the verb";
          }
        }
        // Verb first: "اعتقلت الشرطة 50 متظاهرا" (arrested the police 50 protesters).
        if (src.empty() && order == Order::kVso) subject_after("verb-subject-object");
        if (tgt.empty() && !src.empty() && order == Order::kSov && !(e.flags & internal::kTrigIntrans)) {
          // Verb last: "die Polizei hat 50 Demonstranten festgenommen": the object stands between the
          // subject and the verb.
          const uint32_t from = doc.mentions[static_cast<size_t>(src.back())].end_token;
          for (uint32_t u = m.begin; u-- > from;) {
            if (sv.boundary(u) != extract::Boundary::kNone) break;
            const int32_t a = sv.ActorAt(u);
            if (a < 0 || sv.InPrepositionalPhrase(doc.mentions[static_cast<size_t>(a)])) continue;
            if (std::find(src.begin(), src.end(), a) != src.end()) break;
            tgt = sv.Coordinated(a);
            how = "subject-object-verb";
            break;
          }
        }
        // ", accusing them of ...": a participle clause after a comma shares the sentence's subject.
        // (Also after a preposition: "by sending troops", "en envoyant des troupes".)
        const Fn before_gerund = m.begin > sv.begin() ? sv.fn(m.begin - 1) : Fn::kNone;
        if (m.begin > sv.begin() && sv.Gerund(m.begin) &&
            (sv.word(m.begin - 1) == "," || before_gerund == Fn::kLoc || before_gerund == Fn::kBy ||
             before_gerund == Fn::kPrep)) {
          for (uint32_t t = sv.begin(); t < m.begin; ++t) {
            const int32_t a = sv.ActorAt(t);
            if (a >= 0 && !sv.InPrepositionalPhrase(doc.mentions[static_cast<size_t>(a)])) {
              src = sv.Coordinated(a);
              how = "participle clause: the sentence's subject";
              break;
            }
          }
        }
        // Where subjects are dropped, a sentence that opens with its verb goes on with the subject of the
        // sentence before: "Miles de mineros marcharon en La Paz. Exigen un aumento salarial." Not a verb
        // that says "we" or "I" (lang.tsv `first_person`: "Exigimos"), nor an intransitive one with its
        // subject after it ("Marcharon miles de mineros").
        // (The sentence before is read only for such a verb.)
        if (src.empty() && sv.grammar().pro_drop && OpensWithVerb(doc, s, sv, m.begin) &&
            !internal::EndsWithAny(sv.word(m.begin), sv.grammar().first_person, 2) &&
            !((e.flags & internal::kTrigIntrans) && !sv.ObjectAfter(m.end, true).empty())) {
          src = DroppedSubject(doc, s, si, para_first);
          if (!src.empty())
            how += how.empty() ? "dropped subject: that of the sentence before"
                               : "; dropped subject: that of the sentence before";
        }
      }
      // A subjectless clause opening the paragraph after "X wrote:" is X's.
      if (src.empty() && speaker && sv.SubjectBefore(m.begin).empty() &&
          sv.Between(sv.begin(), m.begin) <= extract::Boundary::kComma) {
        src = {*speaker};
        how += "; speaker introduced by a colon";
      }
    }
    if (participle_agent >= 0) {
      src = {participle_agent};
      tgt.clear();
      c->anchored = true;
      how = "participle before its agent";
    }
    // "Union negotiators and the port authority held talks": one side meets the other.
    if (tgt.empty() && src.size() >= 2 &&
        (ev.type == EventType::kConsult || ev.type == EventType::kCooperate || ev.type == EventType::kAgree ||
         ev.type == EventType::kSupport)) {
      tgt.assign(src.begin() + 1, src.end());
      src.resize(1);
    }
    // The same actor is never both sides.
    tgt.erase(std::remove_if(tgt.begin(), tgt.end(),
                             [&](int32_t t) { return std::find(src.begin(), src.end(), t) != src.end(); }),
              tgt.end());
    if (s.options->explain && !how.empty()) ev.explain.push_back({"arguments", how});
  }

  // The `occur` cue that says trigger `m` happened, if any. One that is part of the trigger or wraps it
  // ("estalló una huelga", "спалахнули сутички", "brachen am Montag Proteste aus", "brøt det ut
  // protester") does for any trigger. A nominal trigger may also have it right before it with at most a
  // few modifiers between ("hubo violentas protestas", "there were clashes", "tuvo lugar una
  // manifestación"), or right after it as its verb ("protests broke out", "une manifestation a eu lieu",
  // "una marcha de campesinos tuvo lugar"). Not:
  //  - across a verb, an actor, a place or a clause boundary: "there were calls for protests" and "there
  //    was fear of violence" report the calls and the fear;
  //  - a definite noun, one the text has told already ("the area where the rally took place");
  //  - a noun in a prepositional phrase before the verb: "Після вироку відбулися протести" (after the
  //    verdict protests took place) says nothing happened to the verdict;
  //  - a one-word cue after a determiner, an adjective: "his continued detention".
  static const Cue* Occurrence(const Doc& doc, const Scratch& s, const extract::SentenceView& sv,
                               const internal::Match& m, bool noun, const std::vector<Cue>& cues,
                               const std::vector<uint8_t>& verb_at) {
    constexpr uint32_t kGap = 3;  // "hubo una gran protesta", "una marcha de campesinos tuvo lugar"
    for (const Cue& q : cues)
      if (q.kind == CueKind::kOccur && q.first_token < m.end && q.end_token > m.begin &&
          (q.end_token <= m.end || q.first_token < m.begin))
        return &q;
    if (!noun) return nullptr;
    // What opens the noun phrase: a determiner, a preposition or the start of the clause.
    uint32_t head = m.begin;
    while (head > sv.begin() && head + 3 > m.begin && !verb_at[head - 1 - sv.begin()] && s.mention_at[head - 1] < 0 &&
           !(doc.tokens[head - 1].flags & kTokPunct) && sv.fn(head - 1) == Fn::kNone)
      --head;
    const Fn before_phrase = head > sv.begin() ? sv.fn(head - 1) : Fn::kNone;
    if (IsDetLike(before_phrase) && before_phrase != Fn::kIndef && before_phrase != Fn::kQuant) return nullptr;
    const bool governed = before_phrase == Fn::kPrep || before_phrase == Fn::kLoc || before_phrase == Fn::kFrom ||
                          before_phrase == Fn::kTo || before_phrase == Fn::kWith || before_phrase == Fn::kBy ||
                          before_phrase == Fn::kOf || before_phrase == Fn::kAgainst || before_phrase == Fn::kOn ||
                          before_phrase == Fn::kBetween;
    const auto plain = [&](uint32_t from, uint32_t to, bool before) {
      for (uint32_t t = from; t < to; ++t) {
        if (verb_at[t - sv.begin()] || s.mention_at[t] >= 0 || (doc.tokens[t].flags & kTokPunct) ||
            sv.boundary(t) != extract::Boundary::kNone)
          return false;
        const Fn f = sv.fn(t);
        // Before the noun only determiners and modifiers; after it also "de ayer", "of students".
        if (!(f == Fn::kNone || IsDetLike(f) || (!before && f == Fn::kOf))) return false;
      }
      return true;
    };
    for (const Cue& q : cues) {
      if (q.kind != CueKind::kOccur) continue;
      if (q.end_token <= m.begin && m.begin - q.end_token <= kGap && plain(q.end_token, m.begin, true) &&
          !(q.end_token == q.first_token + 1 && q.first_token > sv.begin() && IsDetLike(sv.fn(q.first_token - 1))))
        return &q;
      if (q.first_token >= m.end && q.first_token - m.end <= kGap && !governed && plain(m.end, q.first_token, false))
        return &q;
    }
    return nullptr;
  }

  // "They demand a pay rise and threaten to block the roads", "Exigen un aumento y amenazan con bloquear",
  // "urged the leaders to stand firm and vowed that ...": a verb that governs a complement of its own,
  // coordinated with the verb of a request, promise, threat or refusal, is a second statement of the same
  // speaker, not part of what the first one asks for. Coordinated with that verb, not with one inside its
  // complement: no verb trigger between, and the same finite ending (lang.tsv `finite`): in "agreed to
  // open an office and commit to ..." and "sought to ban NGOs and deny them ..." the second verb is the
  // complement's.
  static bool CoordinatedWithCue(const Scratch& s, const extract::SentenceView& sv, const Cue& q,
                                 const internal::Match& m, const std::vector<Cue>& cues) {
    if (q.scope != CueScope::kComplement || m.begin <= q.end_token || sv.fn(m.begin - 1) != Fn::kAnd) return false;
    if (q.kind != CueKind::kRequest && q.kind != CueKind::kPromise && q.kind != CueKind::kThreat &&
        q.kind != CueKind::kNegation)
      return false;
    if (!std::any_of(cues.begin(), cues.end(),
                     [&](const Cue& own) { return own.first_token == m.begin && own.scope == CueScope::kComplement; }))
      return false;
    for (uint32_t k = s.sentence_matches[q.sentence]; k < s.sentence_matches[q.sentence + 1]; ++k) {
      const internal::Match& other = s.matches[k];
      const Entry& oe = s.entry(other);
      // (A verb form after a determiner is a noun: "Exigen un aumento salarial y amenazan ...".)
      if (other.begin >= q.end_token && other.begin + 1 < m.begin && oe.kind == EntryKind::kTrigger &&
          !(oe.flags & (internal::kTrigNoun | internal::kTrigIgnore)) && !IsDetLike(sv.fn(other.begin - 1)))
        return false;
    }
    const std::vector<std::string>& finite = sv.grammar().finite;
    const auto form = [&](uint32_t t) {  // the finite ending of the word (the list is longest first); -1: none
      const std::string_view w = sv.word(t);
      for (size_t i = 0; i < finite.size(); ++i)
        if (w.size() > finite[i].size() + 1 && w.substr(w.size() - finite[i].size()) == finite[i])
          return static_cast<int>(i);
      return -1;
    };
    return form(q.first_token) == form(m.begin);
  }

  // Decides modality from the cues around the trigger (see the design note at the top).
  void Modality(const Doc& doc, const Scratch& s, const extract::SentenceView& sv, const internal::Match& m,
                const std::vector<Cue>& cues, const std::vector<uint8_t>& verb_at, Candidate* c,
                bool* suppressed) const {
    Event& ev = c->ev;
    auto cue_text = [&](const Cue& q) {
      return std::string(doc.text_of({doc.tokens[q.first_token].span.begin, doc.tokens[q.end_token - 1].span.end}));
    };
    auto explain = [&](const Cue& q, const std::string& what) {
      if (!s.options->explain) return;
      const Entry& ce = s.sentence_lang[q.sentence]->entries[q.entry];
      ev.explain.push_back({what, Rule(s, ce) + " " + std::string(CueName(q.kind)) + " over " +
                                      (q.scope == CueScope::kNext     ? "next words"
                                       : q.scope == CueScope::kClause ? "its clause"
                                                                      : "its complement")});
    };
    uint32_t at = m.begin;  // where the trigger stands for the cues' scopes
    for (const Cue& q : cues) {
      // Coordinated with the cue's verb, the trigger is governed by what governs that verb ("contain no
      // reference ..., nor make an appeal ... or demand the closure" is a demand negated).
      if (CoordinatedWithCue(s, sv, q, m, cues)) {
        at = q.first_token;
        continue;
      }
      if (!InScope(sv, q, at, verb_at)) continue;
      if (q.kind == CueKind::kReport) {
        if (!ev.reported_by) {
          auto who = sv.SubjectBefore(q.first_token);
          if (who.empty()) who = sv.ObjectAfter(q.end_token, false);  // "according to X"
          if (!who.empty()) ev.reported_by = doc.mentions[static_cast<size_t>(who[0])].actor;
          explain(q, "reported");
        }
        continue;
      }
      if (q.kind == CueKind::kAllege) {
        *suppressed = true;
        return;
      }
      // "amid protests", "recent rallies": a nominal trigger named as background, not reported.
      if (q.kind == CueKind::kBackground) {
        if (c->noun) {
          *suppressed = true;
          return;
        }
        continue;
      }
      auto mod = ModalityOf(q.kind);
      if (!mod) continue;
      const Cue* chosen = &q;
      // "promised that the students would be released": the auxiliary inside a promise, threat or
      // request says when, the outer cue says what kind of statement it is.
      if (q.kind == CueKind::kPrediction || q.kind == CueKind::kHypothetical) {
        for (const Cue& outer : cues) {
          if (outer.end_token > q.first_token || outer.scope != CueScope::kComplement ||
              !InScope(sv, outer, at, verb_at))
            continue;
          if (outer.kind == CueKind::kPromise || outer.kind == CueKind::kThreat || outer.kind == CueKind::kRequest) {
            chosen = &outer;
            mod = ModalityOf(outer.kind);
          }
          break;
        }
      }
      ev.modality = *mod;
      ev.modality_cue = cue_text(*chosen);
      c->governing = chosen;
      explain(*chosen, "modality");
      break;
    }
    // Tense in the verb's ending (lang.tsv `future`, `conditional`): "protestarán", "détiendrait".
    if (!c->noun && ev.modality == Modality::kAsserted) {
      const internal::LangGrammar& g = sv.grammar();
      // The verb is the trigger's first word that is not a function word ("se réuniront", "ne cédera").
      uint32_t vt = m.begin;
      while (vt + 1 < m.end && sv.fn(vt) != Fn::kNone) ++vt;
      const std::string_view w = sv.word(vt);
      // (In a verb-final language the tense is on the last word: "gözaltına alacak".)
      const std::string_view last = sv.word(m.end - 1);
      bool future = internal::EndsWithAny(w, g.future, 1) || internal::EndsWithAny(last, g.future, 1);
      for (const std::string& p : g.future_prefixes)
        future = future || (w.size() > p.size() + 2 && w.compare(0, p.size(), p) == 0);
      bool conditional = internal::EndsWithAny(w, g.conditional, 1) || internal::EndsWithAny(last, g.conditional, 1);
      // A headline in capitals may drop the accent that marks the tense: "MARCHARAN", "FARAO".
      if (sv.in_capitals()) {
        future = future || internal::EndsWithAny(w, g.future_bare, 1) || internal::EndsWithAny(last, g.future_bare, 1);
        conditional = conditional || internal::EndsWithAny(w, g.conditional_bare, 1) ||
                      internal::EndsWithAny(last, g.conditional_bare, 1);
      }
      if (internal::EndsWithAny(w, g.negative_endings, 2) || internal::EndsWithAny(last, g.negative_endings, 2)) {
        ev.modality = Modality::kNegated;
        ev.modality_cue = std::string(doc.text_of(doc.tokens[m.end - 1].span));
        if (s.options->explain) ev.explain.push_back({"modality", "negative verb ending"});
      } else
      if (future || conditional) {
        ev.modality = future ? Modality::kPredicted : Modality::kHypothetical;
        ev.modality_cue = std::string(doc.text_of(doc.tokens[m.begin].span));
        if (s.options->explain)
          ev.explain.push_back({"modality", std::string(future ? "future" : "conditional") + " verb ending"});
      }
    }
    // A nominal trigger that opens its clause is the subject of the verb after it: "Talks between X and Y
    // will resume", "A general strike in Odesa would halt ...". A modal or negation there governs it.
    if (c->noun && ev.modality == Modality::kAsserted) {
      bool opens_clause = true;
      for (uint32_t t = m.begin; t-- > sv.begin();) {
        if (sv.boundary(t) >= extract::Boundary::kClause) break;
        if (IsDetLike(sv.fn(t)) || sv.fn(t) == Fn::kAdv || (doc.tokens[t].flags & kTokPunct) || s.mention_at[t] >= 0 ||
            s.used[t])
          continue;
        opens_clause = false;
        break;
      }
      for (auto it = cues.rbegin(); opens_clause && it != cues.rend(); ++it) {
        const Cue& q = *it;
        if (q.scope != CueScope::kClause || q.first_token < m.end) continue;
        if (sv.Between(m.end - 1, q.first_token) >= extract::Boundary::kClause) break;
        if (q.kind != CueKind::kPrediction && q.kind != CueKind::kHypothetical && q.kind != CueKind::kNegation)
          continue;
        ev.modality = *ModalityOf(q.kind);
        ev.modality_cue = cue_text(q);
        c->governing = &q;
        if (s.options->explain)
          ev.explain.push_back({"modality", "the nominal trigger is the subject of `" + ev.modality_cue + "`"});
        break;
      }
    }
    // Postposed speaker: "..., she said."
    if (!ev.reported_by) {
      for (const Cue& q : cues) {
        if (q.kind != CueKind::kReport || q.first_token < m.end) continue;
        auto who = sv.SubjectBefore(q.first_token);
        if (!who.empty() && doc.mentions[static_cast<size_t>(who[0])].first_token > m.end) {
          ev.reported_by = doc.mentions[static_cast<size_t>(who[0])].actor;
          break;
        }
      }
    }
    if (ev.modality != Modality::kAsserted) return;
    // A slogan: a sentence that ends with "!" and does not open with an actor ("Stop the shooting!",
    // "Down with the dictatorship!") demands what it names.
    if (sv.word(sv.end() - 1) == "!") {
      uint32_t first = sv.begin();
      while (first < sv.end() && (doc.tokens[first].flags & kTokPunct)) ++first;
      if (first < sv.end() && sv.ActorAt(first) < 0 && s.mention_at[first] < 0) {
        ev.modality = Modality::kRequested;
        ev.modality_cue.assign(1, '!');  // (assigning the literal trips GCC 12's -Wrestrict at -O3)
        if (s.options->explain)
          ev.explain.push_back({"modality", "slogan: an exclamation that does not open with an actor"});
        return;
      }
    }
    // Imperative: the bare form of a verb trigger opening the sentence or a quotation ("Free the
    // prisoners!", "“Resign!” the crowd shouted").
    if (!c->noun) {
      const bool opens = m.begin == sv.begin() ||
                         ((doc.tokens[m.begin - 1].flags & kTokPunct) &&
                          sv.boundary(m.begin - 1) != extract::Boundary::kNone && sv.word(m.begin - 1) != ",");
      // A language may name its imperative endings (French "-ez"); otherwise any form without a finite
      // ending will do (English "free", not "frees", "freed", "freeing").
      const std::string_view w = sv.word(m.begin);
      const internal::LangGrammar& g = sv.grammar();
      const bool imperative = g.imperative.empty() ? !internal::EndsWithAny(w, g.finite, 2)
                                                   : internal::EndsWithAny(w, g.imperative, 2);
      // Where subjects are dropped, "Exigen rebaja del costo de la vida" states a demand: a verb opening the
      // sentence commands only in an exclamation; one opening a quotation ("«Liberen a los presos»") may.
      const auto exclaims = [&] {
        for (uint32_t t = m.end; t < sv.end(); ++t)
          if (sv.word(t) == "!") return true;
        return false;
      };
      if (opens && imperative && (doc.tokens[m.begin].flags & kTokWord) && sv.SubjectBefore(m.begin).empty() &&
          (!g.pro_drop || m.begin > sv.begin() || exclaims())) {
        ev.modality = Modality::kRequested;
        ev.modality_cue.assign("imperative");
        if (s.options->explain)
          ev.explain.push_back({"modality", "imperative: the bare verb opens the sentence or quotation"});
      }
    }
  }

  void Sentence(Doc& doc, Scratch& s, uint32_t si, uint32_t para_first) const {
    extract::SentenceView sv(doc, s, si);
    const tocsin::Sentence& sent = doc.sentences[si];
    if (!sent.token_count) return;
    // Headings, bylines and page furniture ("Donate via Paypal", "March 2005") have no final punctuation;
    // a headline restates the story, it is not a report of its own.
    // (A document that is one sentence is coded all the same: a headline or a sentence sent on its own.)
    if (!TerminalPunctuation(sv.word(sv.end() - 1)) && doc.sentences.size() > 1) return;
    const std::optional<int32_t> speaker = ColonSpeaker(doc, s, si, para_first);
    // A figure that counts people (a count word near it: "40 protesters", "killing 12") ties events
    // of the sentence to the text; "two planeloads of tents" does not.
    bool sentence_has_count = false;
    for (uint32_t qi = s.sentence_quantities[si]; qi < s.sentence_quantities[si + 1]; ++qi) {
      const Quantity& q = s.quantities[qi];
      if (q.year_like || q.value < 2) continue;
      for (uint32_t k = s.sentence_matches[si]; k < s.sentence_matches[si + 1]; ++k) {
        const internal::Match& cm = s.matches[k];
        if (s.entry(cm).kind != EntryKind::kCount) continue;
        const uint32_t gap =
            cm.begin >= q.end_token ? cm.begin - q.end_token : q.first_token - std::min(q.first_token, cm.end);
        if (gap <= 5) sentence_has_count = true;
      }
    }
    // (Both buffers are kept in Scratch from one sentence to the next; a Candidate's `governing` points
    // into `cues`, and no candidate outlives its sentence.)
    Cues(doc, s, sv, si, &s.cue_work);
    const std::vector<Cue>& cues = s.cue_work;
    std::vector<uint8_t>& verb_at = s.verb_at_work;
    verb_at.assign(sent.token_count, 0);
    for (uint32_t k = s.sentence_matches[si]; k < s.sentence_matches[si + 1]; ++k) {
      const EntryKind kind = s.entry(s.matches[k]).kind;
      if (kind == EntryKind::kTrigger || kind == EntryKind::kCue)
        verb_at[s.matches[k].begin - sv.begin()] = kind == EntryKind::kTrigger ? 1 : 2;
    }

    for (uint32_t k = s.sentence_matches[si]; k < s.sentence_matches[si + 1]; ++k) {
      const internal::Match& m = s.matches[k];
      const Entry& e = s.entry(m);
      if (e.kind != EntryKind::kTrigger || (e.flags & internal::kTrigIgnore)) continue;
      // Part of an actor's name: "riot police", "strike committee", "protest organisers".
      if (const int32_t a = s.mention_at[m.begin]; a >= 0 && s.mention_at[m.end - 1] == a) {
        const Mention& am = doc.mentions[static_cast<size_t>(a)];
        if (am.kind != MentionKind::kPlace && am.kind != MentionKind::kPronoun &&
            (am.first_token < m.begin || am.end_token > m.end))
          continue;
      }
      // Part of a name: "Orange Revolution", "Gross National Product", "Tulip revolution".
      if (InName(doc, s, sv, m, e)) continue;
      // Part of a date: "24 March", "1 May".
      if (s.used[m.begin] == kUsedByDate && s.used[m.end - 1] == kUsedByDate) continue;
      // A participle used as an adjective: "an intimidating force" codes nothing, but "the striking
      // teachers" say the teachers are on strike: the agent after the participle is the source.
      int32_t participle_agent = -1;
      if (m.end == m.begin + 1 && m.end < sv.end()) {
        const bool ing = sv.Gerund(m.begin);
        const bool before_det = m.begin == sv.begin() || IsDetLike(sv.fn(m.begin - 1)) ||
                                ((doc.tokens[m.begin - 1].flags & kTokPunct) && sv.word(m.begin - 1) != ",");
        if (ing && before_det && sv.fn(m.end) == Fn::kNone && (doc.tokens[m.end].flags & kTokWord)) {
          // "striking workers", "striking textile workers", "the striking crane operators"
          for (uint32_t u = m.end; u < sv.end() && u < m.end + 3 && participle_agent < 0; ++u) {
            participle_agent = sv.ActorAt(u);
            if (sv.fn(u) != Fn::kNone || (doc.tokens[u].flags & kTokPunct)) break;
          }
          if (participle_agent < 0) continue;
        }
      }

      // A past participle before a noun describes a state left by an earlier event: "the jailed
      // opposition leader", "120 detained protesters", "families displaced by".
      if (m.end == m.begin + 1 && m.begin > sv.begin() && m.end < sv.end() && !(e.flags & internal::kTrigNoun)) {
        const bool ed = sv.Participle(m.begin);
        const bool after = IsDetLike(sv.fn(m.begin - 1)) || s.used[m.begin - 1] == kUsedByNumber;
        if (ed && after && sv.fn(m.end) == Fn::kNone && (doc.tokens[m.end].flags & kTokWord)) continue;
      }
      // The same after its noun, where the language puts it there: "os jornalistas detidos", "les manifestants
      // arrêtés" (but "ont été arrêtés", with an auxiliary, is the event).
      if (sv.grammar().postnominal_participles && m.end == m.begin + 1 && m.begin > sv.begin() &&
          !(e.flags & internal::kTrigNoun) && sv.Participle(m.begin) && s.mention_at[m.begin - 1] >= 0 &&
          doc.mentions[static_cast<size_t>(s.mention_at[m.begin - 1])].kind != MentionKind::kPlace) {
        const Fn before = sv.fn(doc.mentions[static_cast<size_t>(s.mention_at[m.begin - 1])].first_token -
                                (doc.mentions[static_cast<size_t>(s.mention_at[m.begin - 1])].first_token > sv.begin()));
        if (before != Fn::kBe && before != Fn::kHave) continue;
      }
      Candidate c;
      Event& ev = c.ev;
      ev.doc = doc.input.id;
      ev.lang = s.sentence_lang[si] ? s.sentence_lang[si]->iso : doc.lang;
      ev.type = static_cast<EventType>(e.type);
      ev.mode = e.mode;
      for (size_t start = 0; !e.text.empty() && start <= e.text.size();) {
        const size_t comma = e.text.find(',', start);
        ev.context.push_back(e.text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      ev.trigger = {doc.tokens[m.begin].span.begin, doc.tokens[m.end - 1].span.end};
      ev.trigger_text = std::string(doc.text_of(ev.trigger));
      ev.sentence_index = si;
      ev.sentence = sent.span;
      if (s.options->explain)
        ev.explain.push_back(
            {"trigger", Rule(s, e) + " " + std::string(EventTypeName(ev.type)) + (e.mode.empty() ? "" : "/" + e.mode)});
      Arguments(doc, s, sv, m, e, si, sentence_has_count, speaker, para_first, participle_agent, &c);
      // "Hubo una protesta", "clashes broke out", "une manifestation a eu lieu": a verb of occurrence says
      // the nominal trigger happened, which anchors it as participants, a place or a date would. (Not an
      // episode: "the revolution that took place" names one already told.)
      // (A noun anchored already needs no verb to say so.)
      const Cue* occur = c.noun && c.anchored ? nullptr : Occurrence(doc, s, sv, m, c.noun, cues, verb_at);
      if (occur && !(e.flags & internal::kTrigEpisode)) {
        c.anchored = true;
        if (s.options->explain)
          ev.explain.push_back({"anchor", Rule(s, s.sentence_lang[si]->entries[occur->entry]) + " occur"});
      }
      bool suppressed = false;
      Modality(doc, s, sv, m, cues, verb_at, &c, &suppressed);
      if (suppressed) continue;

      // What was called for, promised, threatened or refused is done by the party the cue names:
      // the addressee of a request ("urged the army to return"), else the cue's subject ("X refused to
      // sign", "X offered to meet").
      if (c.src.empty() && c.governing && c.governing->scope == CueScope::kComplement) {
        const Cue& g = *c.governing;
        std::vector<int32_t> who;
        if (g.kind == CueKind::kRequest) who = sv.ObjectAfter(g.end_token, true);
        if (who.empty()) who = sv.SubjectBefore(g.first_token);
        c.src = who;
      }

      // Keep it? An asserted event must be well founded; a labelled one needs only its cue.
      const std::vector<int32_t>& src = c.src;
      const std::vector<int32_t>& tgt = c.tgt;
      if (ev.modality == Modality::kAsserted) {
        if (c.noun && !c.anchored) continue;
        if ((e.flags & internal::kTrigWeak) && src.empty() && tgt.empty()) continue;
        if (c.noun && Relational(ev.type) && (src.empty() || tgt.empty())) continue;
        // Who acted must be known for relational categories; a violent one needs a party or a figure.
        if (!c.noun && Relational(ev.type) && src.empty()) continue;
        // Support, consultation, cooperation, aid and accusation are always towards someone.
        const bool transitive = ev.type == EventType::kSupport || ev.type == EventType::kConsult ||
                                ev.type == EventType::kCooperate || ev.type == EventType::kAid ||
                                ev.type == EventType::kAccuse;
        if (!c.noun && transitive && tgt.empty()) continue;
        // "Thousands protested": a number standing as the subject counts people. So does one opening its
        // clause at the head of a phrase of a word or two that no lexicon knows ("Miles de hispanos
        // marcharon", "Thousands of pensioners marched"): the figure says they are people. (Not one inside
        // a phrase: "lied across thousands of primarily rape and murder trials".)
        bool number_subject = false;
        for (uint32_t qi = s.sentence_quantities[si]; qi < s.sentence_quantities[si + 1]; ++qi) {
          const Quantity& q = s.quantities[qi];
          if (q.year_like) continue;
          if (q.end_token + 1 >= m.begin && q.end_token <= m.begin) number_subject = true;
          const auto opens_clause = [&] {
            if (q.first_token == sv.begin()) return true;
            const uint32_t p = q.first_token - 1;
            const Fn f = s.fn[p];
            return (doc.tokens[p].flags & kTokPunct) || f == Fn::kAnd || f == Fn::kSub || f == Fn::kComp ||
                   f == Fn::kRel || f == Fn::kAdv || f == Fn::kStrong || IsDetLike(f);
          };
          if (!c.noun && q.value >= 2 && q.end_token + 1 < m.begin && m.begin - q.end_token <= 3 &&
              s.fn[q.end_token] == Fn::kOf && opens_clause()) {
            bool plain = true;
            for (uint32_t t = q.end_token + 1; t < m.begin && plain; ++t)
              plain = (doc.tokens[t].flags & kTokWord) && s.fn[t] == Fn::kNone && s.mention_at[t] < 0 &&
                      sv.boundary(t) == extract::Boundary::kNone;
            number_subject = number_subject || plain;
          }
        }
        const bool counted = (sentence_has_count || number_subject) &&
                             (ev.type == EventType::kAssault || ev.type == EventType::kProtest ||
                              ev.type == EventType::kMobilize || ev.mode == "arrest");
        // ("Estalló una huelga", "protesto düzenlendi": a trigger that says it took place needs neither.)
        if (!c.noun && !Relational(ev.type) && src.empty() && tgt.empty() && !counted && !occur) continue;
      } else if (c.noun && !c.anchored && !c.governing) {
        continue;  // an unanchored noun in a slogan or imperative
      }
      for (int32_t i : src) ev.source.push_back(doc.mentions[static_cast<size_t>(i)].actor);
      for (int32_t i : tgt) ev.target.push_back(doc.mentions[static_cast<size_t>(i)].actor);
      ev.confidence = 0.5 + (ev.source.empty() ? 0 : 0.2) + (ev.target.empty() ? 0 : 0.1) +
                      ((e.flags & internal::kTrigWeak) ? 0 : 0.1);
      doc.events.push_back(std::move(ev));
      s.event_flags.push_back(e.flags);
    }
  }
};

}  // namespace

namespace internal {
std::unique_ptr<Component> MakeEventsComponent() { return std::make_unique<EventsComponent>(); }
}  // namespace internal

}  // namespace tocsin
