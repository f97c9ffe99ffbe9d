// The entities component: actors, places, pronouns, names, numbers and dates.
//
// Design note. Lexicon matches of the entity layer become mentions. Adjacent mentions are then composed
// by a few rules that carry most of the weight in news text:
//   demonym/country + agent or title   "Kazakh police", "Russian Prime Minister", "Kyrgyzstan’s government"
//   title + name                       "President Askar Akayev", "opposition leader Omurbek Tekebayev"
//   name , title                       "Philip Crowley, State Department spokesman"
//   title , name ,                     "the Russian Prime Minister, Vladimir Putin,"
//   agent/title of|from country/org    "President of Kyrgyzstan", "troops from the CSTO"
// Unknown capitalised word sequences become name mentions, learned when a title gives them a country and
// sector, and recognised again by surname later in the document. Pronouns and bare titles ("the
// president") are resolved to the nearest compatible actor (src/resolve/coref.cc). Finally the document's
// focus country is chosen, and actors without a country inherit it (recorded as via "default-country").
#include <algorithm>

#include <unicode/uchar.h>

#include "text/utf8.h"
#include "extract/quantities.h"
#include "pipeline/registry.h"
#include "pipeline/scratch.h"
#include "resolve/coref.h"
#include "resolve/geocode.h"

namespace tocsin {

bool StartsWithAny(std::string_view w, const std::vector<std::string>& prefixes);
bool LowerInitial(std::string_view pattern);
namespace {

using internal::Entry;
using internal::EntryKind;

bool IsActorKind(MentionKind k) {
  return k == MentionKind::kAgent || k == MentionKind::kPerson || k == MentionKind::kCountry ||
         k == MentionKind::kCapital || k == MentionKind::kSeat || k == MentionKind::kOrganisation ||
         k == MentionKind::kTitle || k == MentionKind::kName || k == MentionKind::kDemonym;
}

// Picks the office a person held on the publication date among the rows that share the person's name.
const internal::Person* PersonAt(const internal::ModelData& m, size_t row, const std::string& date) {
  const internal::Person* best = &m.people[row];
  if (date.empty()) return best;
  for (uint32_t i = m.person_first_of_name[row]; i != m.kNoRow; i = m.person_same_name[i]) {
    const internal::Person& p = m.people[i];
    const bool started = p.from.empty() || p.from <= date;
    const bool ongoing = p.to.empty() || date <= p.to;
    if (started && ongoing) return &p;
  }
  return best;
}

class EntitiesComponent final : public Component {
 public:
  std::string_view name() const override { return "entities"; }
  std::vector<std::string_view> needs() const override { return {"matches"}; }
  std::vector<std::string_view> provides() const override { return {"mentions", "quantities", "dates"}; }

  Status Process(Doc& doc, Scratch& s) const override {
    const size_t n = doc.tokens.size();
    s.fn.assign(n, Fn::kNone);
    s.mention_at.assign(n, -1);
    s.used.assign(n, 0);
    s.sentence_mentions.assign(doc.sentences.size() + 1, 0);
    s.sentence_dates.assign(doc.sentences.size() + 1, 0);
    s.sentence_quantities.assign(doc.sentences.size() + 1, 0);
    if (!s.any_lexicons()) return Status::Ok();
    // Most mentions come from entity matches, about one a sentence from names: room for that many up front
    // saves moving every mention (five strings each) at each doubling of the vector.
    {
      size_t entity_matches = 0;
      for (const internal::Match& m : s.matches)
        entity_matches += internal::LayerOf(s.entry(m).kind) == internal::Layer::kEntity;
      doc.mentions.reserve(entity_matches + doc.sentences.size());
    }
    // Work space of the sentence loop, reused from one sentence to the next (Scratch keeps the mention
    // buffers from one document to the next as well).
    std::vector<extract::TokenEntries> entries_at;
    SentenceMentions work{s.mention_sorted_work, s.covered_work, s.order_work};
    for (uint32_t si = 0; si < doc.sentences.size(); ++si) {
      for (uint32_t k = s.sentence_matches[si]; k < s.sentence_matches[si + 1]; ++k) {
        const internal::Match& m = s.matches[k];
        const Entry& e = s.entry(m);
        if (e.kind != EntryKind::kFunction) continue;
        const Fn role = ParseFn(e.mode);
        for (uint32_t t = m.begin; t < m.end; ++t) s.fn[t] = role;
      }
      extract::EntriesAt(doc, s, si, &entries_at);
      extract::FindDates(doc, s, si, entries_at);
      extract::FindQuantities(doc, s, si, entries_at);
      Mentions(doc, s, si, &work);
    }
    Scratch::IndexBySentence(doc.mentions, doc.sentences.size(), &s.sentence_mentions);
    Scratch::IndexBySentence(s.dates, doc.sentences.size(), &s.sentence_dates);
    Scratch::IndexBySentence(s.quantities, doc.sentences.size(), &s.sentence_quantities);
    FocusCountry(doc, s);
    if (resolve::ChooseGazetteerPlaces(doc, s))
      FocusCountry(doc, s);  // again: places now have countries, and a capital may have been another city
    ResolvePlaceWords(doc, s);
    resolve::ResolveCoreference(doc);
    DefaultCountries(doc);
    ResolveOffices(doc, s);
    for (size_t i = 0; i < doc.mentions.size(); ++i)
      for (uint32_t t = doc.mentions[i].first_token; t < doc.mentions[i].end_token; ++t)
        s.mention_at[t] = static_cast<int32_t>(i);
    return Status::Ok();
  }

 private:
  // The span and text of tokens [first, end), written into a new mention's actor (no Actor built aside).
  static void SetSpan(const Doc& doc, uint32_t first, uint32_t end, Actor* a) {
    a->span = {doc.tokens[first].span.begin, doc.tokens[end - 1].span.end};
    a->text.assign(doc.text_of(a->span));
  }

  // Buffers of Mentions (held by Scratch), reused from one sentence to the next.
  struct SentenceMentions {
    std::vector<Mention>& sorted;
    std::vector<uint8_t>& covered;
    std::vector<uint32_t>& order;
  };

  void Mentions(Doc& doc, Scratch& s, uint32_t si, SentenceMentions* work) const {
    // A sentence in a language without lexicons (a paragraph in another language) has nothing to find.
    if (!s.sentence_lang[si]) return;
    const internal::ModelData& model = *s.model;
    const Sentence& sent = doc.sentences[si];
    const uint32_t b = sent.first_token, e = sent.first_token + sent.token_count;
    // The sentence's mentions are made in place at the end of the document's, out[first, end): a mention
    // (five strings) is not built aside and moved in.
    std::vector<Mention>& out = doc.mentions;
    const size_t first = out.size();
    std::vector<uint8_t>& covered = work->covered;
    covered.assign(sent.token_count, 0);
    for (uint32_t k = s.sentence_matches[si]; k < s.sentence_matches[si + 1]; ++k) {
      const internal::Match& m = s.matches[k];
      const Entry& en = s.entry(m);
      if (internal::LayerOf(en.kind) != internal::Layer::kEntity) continue;
      // A single lower-case word that is a proper name in the lexicon ("china", "turkey", "chad") is
      // only a name when capitalised; acronyms must be written in capitals ("US" not "us").
      const Token& first = doc.tokens[m.begin];
      const bool proper = en.kind == EntryKind::kCountry || en.kind == EntryKind::kPerson ||
                          en.kind == EntryKind::kOrganisation || (en.kind == EntryKind::kPlace && en.value >= 0);
      // Languages that write demonyms in lower case ("la police kazakhe") say so in lang.tsv; scripts without
      // case (Arabic) have no capitals to ask for.
      const internal::LangData* lang = s.sentence_lang[si];
      // A name the lexicon writes with a lower-case first word ("región de Batken", "el Kremlin", "world body")
      // is matched as written. (Asked only of a proper name written without a capital: it decodes the pattern.)
      auto lower_ok = [&] {
        return lang->script == "Arab" || lang->script == "Hebr" || LowerInitial(en.pattern) ||
               (lang->grammar.demonyms_lower && en.kind == EntryKind::kCountry && en.mode == "demonym");
      };
      if (proper && !(first.flags & kTokUpper) && !(first.flags & kTokNumber) && !lower_ok()) continue;
      Mention& mn = out.emplace_back();
      mn.sentence = si;
      mn.first_token = m.begin;
      mn.end_token = m.end;
      SetSpan(doc, m.begin, m.end, &mn.actor);
      {
        const std::string& file = model.files[en.file];
        const std::string line = std::to_string(en.line);
        std::string& via = mn.actor.via;
        via.reserve(8 + file.size() + 1 + line.size());
        via.append("lexicon ").append(file).append(":").append(line);
      }
      switch (en.kind) {
        case EntryKind::kAgent:
          mn.kind = MentionKind::kAgent;
          mn.actor.name = en.name;
          mn.actor.sector = en.sector;
          mn.plural = true;
          break;
        case EntryKind::kTitle:
          mn.kind = MentionKind::kTitle;
          mn.actor.name = en.name;
          mn.actor.sector = en.sector;
          mn.plural = false;
          mn.antecedent = (en.flags & internal::kTitleAlone) ? -2 : -1;  // -2: may stand alone
          if (!en.text.empty()) s.office_titles.emplace_back(m.begin, &en);
          break;
        case EntryKind::kPronoun:
          mn.kind = MentionKind::kPronoun;
          mn.actor.name = en.mode;  // he, she, they, ...
          mn.plural = en.mode == "they" || en.mode == "we";
          break;
        case EntryKind::kPerson: {
          const internal::Person* p = PersonAt(model, static_cast<size_t>(en.value), s.published);
          mn.kind = MentionKind::kPerson;
          mn.actor.name = p->name;
          mn.actor.country = p->country;
          mn.actor.sector = p->sector;
          break;
        }
        case EntryKind::kOrganisation: {
          const internal::Organisation& o = model.organisations[static_cast<size_t>(en.value)];
          mn.kind = MentionKind::kOrganisation;
          mn.actor.name = o.name;
          mn.actor.country = o.code;
          mn.actor.sector = o.sector;
          mn.plural = true;
          break;
        }
        case EntryKind::kCountry: {
          const internal::Country& c = model.countries[static_cast<size_t>(en.value)];
          mn.actor.country = c.iso3;
          if (en.mode == "name") {
            mn.kind = MentionKind::kCountry;
            mn.actor.name = c.name;
            mn.actor.sector = "GOV";
          } else if (en.mode == "demonym") {
            mn.kind = MentionKind::kDemonym;
            mn.actor.name = c.name;
            mn.actor.sector = "CVL";  // "Kyrgyz and Uzbeks": the people
            mn.plural = true;
          } else if (en.mode == "capital") {
            mn.kind = MentionKind::kCapital;
            mn.actor.name = c.name;
            mn.actor.sector = "GOV";
          } else {
            mn.kind = MentionKind::kSeat;
            mn.actor.name = c.name;
            mn.actor.sector = "GOV";
          }
          break;
        }
        case EntryKind::kPlace:
          mn.kind = MentionKind::kPlace;
          mn.place = static_cast<int32_t>(en.value);  // -1 "the capital", -2 "the country": resolved later
          if (en.value >= 0) {
            const internal::PlaceRow& p = model.places[static_cast<size_t>(en.value)];
            mn.actor.name = p.name;
            mn.actor.country = p.country;
          }
          break;
        default:
          out.pop_back();
          continue;
      }
      for (uint32_t t = m.begin; t < m.end; ++t) covered[t - b] = 1;
    }
    // Unknown names: runs of capitalised words that no lexicon knows, not at the start of the sentence
    // unless followed by another capitalised word ("Paul Murphy, member of ..."). Month and weekday
    // names are not names of actors ("May Day marchers", "on Monday").
    for (uint32_t k = s.sentence_matches[si]; k < s.sentence_matches[si + 1]; ++k)
      if (s.entry(s.matches[k]).kind == EntryKind::kDate && s.entry(s.matches[k]).mode != "anchor")
        for (uint32_t t = s.matches[k].begin; t < s.matches[k].end; ++t) covered[t - b] = 1;
    // Where every noun is capitalised (German), a capital says little: words the lexicons know as triggers,
    // cues, numbers or counts are not names, and a single unknown capitalised word is a noun, not a name,
    // unless a title stands before it ("Präsident Dschaparow").
    const bool nouns_capitalised = s.sentence_lang[si]->grammar.nouns_capitalised;
    // A headline in capitals ("INDIGENAS RADICALIZAN PARALIZACION") learns no names from its capitals; the
    // mentions the lexicons made above stay ("POLICIA", "MANIFESTANTES": they were matched case-folded).
    if (doc.sentences[si].in_capitals) return;
    if (nouns_capitalised)
      for (uint32_t k = s.sentence_matches[si]; k < s.sentence_matches[si + 1]; ++k)
        if (internal::LayerOf(s.entry(s.matches[k]).kind) != internal::Layer::kEntity &&
            internal::LayerOf(s.entry(s.matches[k]).kind) != internal::Layer::kFunction)
          for (uint32_t t = s.matches[k].begin; t < s.matches[k].end; ++t) covered[t - b] = 1;
    // Places of the gazetteer among the words no lexicon knows (src/resolve/geocode.h).
    resolve::FindGazetteerNames(doc, s, si, &covered, &out, first);
    for (uint32_t t = b; t < e; ++t) {
      if (covered[t - b] || !(doc.tokens[t].flags & kTokUpper) || !(doc.tokens[t].flags & kTokWord)) continue;
      if (s.fn[t] != Fn::kNone) continue;
      uint32_t u = t;
      while (u < e && !covered[u - b] && (doc.tokens[u].flags & kTokUpper) && (doc.tokens[u].flags & kTokWord) &&
             s.fn[u] == Fn::kNone) {
        ++u;
        // "Ala-Too Square", "Jalal-Abad": a name goes on across a compound hyphen.
        if (u + 1 < e && (doc.tokens[u].flags & kTokJoiner) && (doc.tokens[u + 1].flags & kTokUpper)) ++u;
      }
      const bool at_start = t == b || (t == b + 1 && (doc.tokens[b].flags & kTokPunct));
      const bool all_caps_heading =
          (doc.tokens[t].flags & kTokAllUpper) && u - t == 1 && doc.folded_of(doc.tokens[t]).size() > 4;
      const bool after_title = t > b && [&] {
        for (size_t k = first; k < out.size(); ++k)
          if (out[k].end_token == t && out[k].kind == MentionKind::kTitle) return true;
        return false;
      }();
      if ((at_start && u - t < 2) || all_caps_heading || (nouns_capitalised && u - t < 2 && !after_title)) {
        t = u;
        continue;
      }
      Mention& mn = out.emplace_back();
      mn.sentence = si;
      mn.first_token = t;
      mn.end_token = u;
      mn.kind = MentionKind::kName;
      SetSpan(doc, t, u, &mn.actor);
      mn.actor.name = mn.actor.text;
      // A name in another script also gets its Latin spelling, so that reports in different languages
      // name one person alike ("Айнур Курманов" → "Ainur Kurmanov").
      if (auto tr = s.transliterators.find(doc.lang); tr != s.transliterators.end() && tr->second) {
        std::string latin = tr->second->ToLatin(mn.actor.text);
        if (!latin.empty()) mn.actor.name = std::move(latin);
      }
      mn.actor.via = "name";
      t = u;
    }
    // `out` is three runs, each in token order: lexicon mentions, gazetteer places, unknown names. No two
    // mentions start at the same token (each starts on a token no earlier one covers), so the order by
    // first token is unique: positions are sorted, and each mention is moved once, not at every step of
    // a sort.
    const auto mine = out.begin() + static_cast<long>(first);
    if (!std::is_sorted(mine, out.end(),
                        [](const Mention& a, const Mention& b2) { return a.first_token < b2.first_token; })) {
      std::vector<uint32_t>& order = work->order;
      order.resize(out.size() - first);
      for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
      std::sort(order.begin(), order.end(),
                [&](uint32_t x, uint32_t y) { return mine[x].first_token < mine[y].first_token; });
      std::vector<Mention>& sorted = work->sorted;
      sorted.clear();
      for (uint32_t i : order) sorted.push_back(std::move(mine[i]));
      std::move(sorted.begin(), sorted.end(), mine);
    }
    Compose(doc, s, &out, first);
  }

  // Composition rules over adjacent mentions of one sentence (see the design note above).
  // The sentence's mentions are (*ms)[first, end).
  void Compose(const Doc& doc, Scratch& s, std::vector<Mention>* ms, size_t first) const {
    auto word = [&](uint32_t t) { return doc.folded_of(doc.tokens[t]); };
    auto merge_into = [&](Mention& keep, const Mention& gone) {
      // A place inside an actor ("Kazakh police", "Moscow's envoy") is still a place the text names.
      if (gone.kind == MentionKind::kCountry || gone.kind == MentionKind::kDemonym ||
          gone.kind == MentionKind::kCapital || gone.kind == MentionKind::kPlace)
        s.absorbed_places.push_back(gone);
      keep.first_token = std::min(keep.first_token, gone.first_token);
      keep.end_token = std::max(keep.end_token, gone.end_token);
      keep.actor.span = {doc.tokens[keep.first_token].span.begin, doc.tokens[keep.end_token - 1].span.end};
      keep.actor.text = std::string(doc.text_of(keep.actor.span));
    };
    std::vector<Mention>& v = *ms;
    bool changed = true;
    while (changed) {
      changed = false;
      for (size_t i = first; i + 1 < v.size() && !changed; ++i) {
        Mention& a = v[i];
        Mention& c = v[i + 1];
        const uint32_t gap = c.first_token - a.end_token;
        // What stands between a and c: nothing, a possessive ("’s"), a hyphen, a comma, "and", or a
        // preposition with articles ("of", "from the", "du", "из").
        const std::string_view first_between = gap ? word(a.end_token) : std::string_view();
        const Fn fn_between = gap ? s.fn[a.end_token] : Fn::kNone;
        const bool adjacent = gap == 0 || (gap == 1 && (fn_between == Fn::kPoss || first_between == "-"));
        const bool comma = gap == 1 && first_between == ",";
        const bool conj = gap == 1 && fn_between == Fn::kAnd;
        bool prep_of = gap >= 1 && gap <= 3 && (fn_between == Fn::kOf || fn_between == Fn::kFrom);
        const bool prep_in = gap >= 1 && gap <= 3 && fn_between == Fn::kLoc;
        for (uint32_t t = a.end_token + 1; t < c.first_token; ++t)
          if (!IsDetLike(s.fn[t])) prep_of = false;
        const bool modifier = a.kind == MentionKind::kDemonym || a.kind == MentionKind::kCountry ||
                              a.kind == MentionKind::kOrganisation || a.kind == MentionKind::kCapital ||
                              a.kind == MentionKind::kSeat;
        // demonym/country + agent/title/name: "Kazakh police", "US forces", "Kyrgyzstan’s government"
        if (adjacent && modifier &&
            (c.kind == MentionKind::kAgent || c.kind == MentionKind::kTitle || c.kind == MentionKind::kName ||
             c.kind == MentionKind::kPerson)) {
          if (c.actor.country.empty() || c.kind == MentionKind::kAgent || c.kind == MentionKind::kTitle) {
            c.actor.country = a.actor.country;
            if (a.kind == MentionKind::kOrganisation && c.actor.sector.empty()) c.actor.sector = a.actor.sector;
          }
          merge_into(c, a);
          v.erase(v.begin() + static_cast<long>(i));
          changed = true;
          continue;
        }
        // agent/title + country or organisation, where the language marks the owner by case alone
        // ("полиция Казахстана", "شرطة كازاخستان").
        if (gap == 0 && (c.kind == MentionKind::kCountry || c.kind == MentionKind::kOrganisation) &&
            (a.kind == MentionKind::kAgent || a.kind == MentionKind::kTitle) && a.actor.country.empty() &&
            s.sentence_lang[a.sentence] && s.sentence_lang[a.sentence]->grammar.genitive_after &&
            !StartsWithAny(word(a.first_token), s.sentence_lang[a.sentence]->grammar.definite_prefixes)) {
          a.actor.country = c.actor.country;
          if (c.kind == MentionKind::kCountry) {
            merge_into(a, c);
            v.erase(v.begin() + static_cast<long>(i + 1));
          }
          changed = true;
          continue;
        }
        // agent/title + demonym: adjectives that follow their noun ("la police kazakhe", "los manifestantes
        // kirguises").
        if (gap == 0 && c.kind == MentionKind::kDemonym &&
            (a.kind == MentionKind::kAgent || a.kind == MentionKind::kTitle) && a.actor.country.empty()) {
          a.actor.country = c.actor.country;
          merge_into(a, c);
          v.erase(v.begin() + static_cast<long>(i + 1));
          changed = true;
          continue;
        }
        // "the Uzbek and Tajik governments": the first demonym shares the head of the second.
        if (a.kind == MentionKind::kDemonym && conj &&
            (c.kind == MentionKind::kAgent || c.kind == MentionKind::kTitle) && !c.actor.country.empty() &&
            c.actor.country != a.actor.country) {
          const std::string country = a.actor.country;
          const uint32_t first = a.first_token, end = a.end_token;
          const Span span = a.actor.span;
          const std::string text = a.actor.text;
          a = c;
          a.first_token = first;
          a.end_token = end;
          a.actor.country = country;
          a.actor.span = span;
          a.actor.text = text;
          changed = true;
          continue;
        }
        // title + name/person, optionally with a comma: "President Askar Akayev", "Foreign Minister, X"
        if (a.kind == MentionKind::kTitle && (c.kind == MentionKind::kName || c.kind == MentionKind::kPerson) &&
            (gap == 0 || comma)) {
          if (c.kind == MentionKind::kName) {
            c.kind = MentionKind::kPerson;
            c.actor.sector = a.actor.sector;
            c.actor.country = a.actor.country;
            c.actor.via = "title";
          } else if (c.actor.country.empty()) {
            c.actor.country = a.actor.country;
          }
          if (c.actor.sector.empty()) c.actor.sector = a.actor.sector;
          // A learned name keeps the (Latin) name it was given; a lexicon person keeps its canonical name.
          if (c.kind != MentionKind::kName && c.kind != MentionKind::kPerson)
            c.actor.name =
                std::string(doc.text_of({doc.tokens[c.first_token].span.begin, doc.tokens[c.end_token - 1].span.end}));
          if (c.kind == MentionKind::kPerson && c.actor.via == "title") c.actor.via = "title:" + a.actor.name;
          merge_into(c, a);
          // Keep the comma-closed apposition tidy: "Prime Minister, Vladimir Putin," ends at the name.
          v.erase(v.begin() + static_cast<long>(i));
          changed = true;
          continue;
        }
        // name , apposition: "Philip Crowley, State Department spokesman", "Paul Murphy, member of RISE in
        // Ireland and member of the Irish Parliament,": the first title gives the sector, the first
        // country or demonym the country, up to the comma that closes the apposition.
        if (a.kind == MentionKind::kName && a.end_token < c.first_token && word(a.end_token) == ",") {
          std::string sector, country, title;
          size_t last = i;
          for (size_t k = i + 1; k < v.size(); ++k) {
            bool closed = false;
            for (uint32_t t = v[k - 1].end_token; t < v[k].first_token && !closed; ++t)
              closed = t > a.end_token && (word(t) == "," || word(t) == ";" || word(t) == ":" || word(t) == ".");
            if (closed || v[k].first_token - a.end_token > 16) break;
            if (v[k].kind == MentionKind::kTitle && sector.empty()) {
              sector = v[k].actor.sector;
              title = v[k].actor.name;
              if (country.empty()) country = v[k].actor.country;
            } else if ((v[k].kind == MentionKind::kCountry || v[k].kind == MentionKind::kDemonym) && country.empty()) {
              country = v[k].actor.country;
            } else if (v[k].kind == MentionKind::kPerson || v[k].kind == MentionKind::kPronoun) {
              break;  // another person: the apposition is over
            }
            last = k;
          }
          if (!sector.empty()) {
            a.kind = MentionKind::kPerson;
            a.actor.sector = sector;
            a.actor.country = country;
            a.actor.via = "apposition:" + title;
            // The apposition describes the person; its words are not actors of their own.
            v.erase(v.begin() + static_cast<long>(i + 1), v.begin() + static_cast<long>(last + 1));
            changed = true;
            continue;
          }
        }
        // agent/title of|from|in country/org: "President of Kyrgyzstan", "troops from the OKDB"
        // (and "the regime of Putin": a person's country)
        if ((a.kind == MentionKind::kAgent || a.kind == MentionKind::kTitle) && a.actor.country.empty() &&
            (c.kind == MentionKind::kCountry || c.kind == MentionKind::kOrganisation ||
             c.kind == MentionKind::kDemonym || (c.kind == MentionKind::kPerson && !c.actor.country.empty())) &&
            (prep_of || (prep_in && gap == 1))) {
          a.actor.country = c.actor.country;
          // The organisation stays a mention of its own (it is an actor too); a country after "of" is
          // absorbed: "the people of Kyrgyzstan" is one actor.
          if (c.kind != MentionKind::kOrganisation && !prep_in) {
            merge_into(a, c);
            v.erase(v.begin() + static_cast<long>(i + 1));
          }
          changed = true;
          continue;
        }
        // a title inside an agent phrase: "member of the Irish Parliament" is handled by the lexicon gap;
        // a demonym right before a demonym/country is left alone.
      }
    }
    // Names that received a title are now persons; src/resolve/coref.cc recognises their surnames later.
  }

  // The country the document is mostly about: names and capitals count twice, the headline three times.
  void FocusCountry(Doc& doc, Scratch& s) const {
    // A document names a handful of countries: a flat list, in first-named order, instead of a map of
    // string copies. The scores add up in the same order as before, so they are the same doubles.
    struct Score {
      const std::string* country;
      double value;
    };
    std::vector<Score> score;
    auto add = [&](const std::string& c, double w) {
      for (Score& sc : score)
        if (*sc.country == c) {
          sc.value += w;
          return;
        }
      score.push_back({&c, w});
    };
    for (const Mention& m : doc.mentions) {
      const std::string* c = &m.actor.country;
      if (m.kind == MentionKind::kPlace && m.place >= 0) c = &s.model->places[static_cast<size_t>(m.place)].country;
      if (c->empty() || !s.model->CountryOf(*c)) continue;
      double w = 1;
      if (m.kind == MentionKind::kCountry || m.kind == MentionKind::kCapital || m.kind == MentionKind::kPlace) w = 2;
      if (m.sentence == 0) w *= 3;
      add(*c, w);
    }
    // A country named inside an actor ("Kyrgyzstan's interim government") is named as much as one alone:
    // the actor counted once, the name once more.
    for (const Mention& m : s.absorbed_places)
      if ((m.kind == MentionKind::kCountry || m.kind == MentionKind::kCapital) && s.model->CountryOf(m.actor.country))
        add(m.actor.country, m.sentence == 0 ? 3 : 1);
    // The highest score; on a tie, the first country in alphabetical order.
    const Score* best = nullptr;
    for (const Score& sc : score)
      if (sc.value > 0 && (!best || sc.value > best->value || (sc.value == best->value && *sc.country < *best->country)))
        best = &sc;
    if (best) doc.focus_country = *best->country;
  }

  // "the capital" and "the country" name the country in context: a demonym or country right before
  // ("the Kyrgyz capital"), else the document's focus country. A direction names part of what follows it
  // ("western Kazakhstan", "north of the capital", "the south of the country"), or of the focus country when
  // it stands alone as a noun phrase ("the south"); an adjective with nothing to qualify ("Western
  // governments") is no place.
  void ResolvePlaceWords(Doc& doc, Scratch& s) const {
    for (size_t i = 0; i < doc.mentions.size(); ++i) {
      Mention& m = doc.mentions[i];
      if (m.kind != MentionKind::kPlace || m.place >= 0 || m.geo != -1 || internal::IsDirection(m.place)) continue;
      std::string country = doc.focus_country;
      if (i > 0) {
        const Mention& p = doc.mentions[i - 1];
        if ((p.kind == MentionKind::kDemonym || p.kind == MentionKind::kCountry) && p.sentence == m.sentence &&
            m.first_token - p.end_token <= 1)
          country = p.actor.country;
      }
      const internal::Country* c = s.model->CountryOf(country);
      if (!c) continue;
      m.actor.country = c->iso3;
      m.actor.name = m.place == internal::kPlaceCapital ? c->capital : c->name;
      if (m.place == internal::kPlaceSecondCity) {
        const internal::Gazetteer* g = s.model->gazetteer.get();
        const int64_t row = g ? g->LargestCity(static_cast<uint16_t>(s.model->country_index.at(c->iso3)), 2) : -1;
        if (row < 0) {
          m.place = internal::kPlaceNone;  // without a gazetteer the second city is unknown
          continue;
        }
        m.actor.name = std::string(g->name(g->place(static_cast<uint32_t>(row))));
      }
      m.actor.via = "context:" + c->iso3;
    }
    // Directions last: what they qualify ("north of the capital") is resolved by now.
    for (size_t i = 0; i < doc.mentions.size(); ++i)
      if (doc.mentions[i].kind == MentionKind::kPlace && doc.mentions[i].geo == -1 &&
          internal::IsDirection(doc.mentions[i].place))
        ResolveDirection(doc, s, i);
  }

  void ResolveDirection(Doc& doc, Scratch& s, size_t i) const {
    static constexpr const char* kAdjective[] = {"northern", "southern", "eastern", "western", "central"};
    static constexpr const char* kNoun[] = {"north", "south", "east", "west", "centre"};
    Mention& m = doc.mentions[i];
    const int d = internal::kPlaceNorth - m.place;  // 0..4
    // What it qualifies: the next mention, right after it or after "of" and articles.
    const Mention* anchor = nullptr;
    if (i + 1 < doc.mentions.size() && doc.mentions[i + 1].sentence == m.sentence) {
      const Mention& n = doc.mentions[i + 1];
      // Right after it, or after "of" (inside the pattern, "north of", or after it) and articles.
      bool reach = n.first_token >= m.end_token && n.first_token - m.end_token <= 3;
      for (uint32_t t = m.end_token; reach && t < n.first_token; ++t)
        if (!IsDetLike(s.fn[t]) &&
            !(t == m.end_token && (s.fn[t] == Fn::kOf || s.fn[t] == Fn::kFrom || s.fn[t] == Fn::kLoc)))
          reach = false;
      const bool placelike = n.kind == MentionKind::kCountry || n.kind == MentionKind::kCapital ||
                             n.kind == MentionKind::kPlace;
      if (reach && placelike) anchor = &n;
    }
    if (anchor && anchor->kind == MentionKind::kPlace && internal::IsDirection(anchor->place)) anchor = nullptr;
    const bool country_anchor =
        anchor && (anchor->kind == MentionKind::kCountry ||
                   (anchor->kind == MentionKind::kPlace && anchor->place == internal::kPlaceCountry));
    std::string country = anchor ? anchor->actor.country : doc.focus_country;
    // Alone, only a noun phrase of its own is a place ("the south"); a bare adjective ("Western governments")
    // or a preposition left open ("north of" something that is no place) is not.
    const Fn last = s.fn[m.end_token - 1];
    if (!anchor && (m.end_token - m.first_token < 2 || last == Fn::kOf || last == Fn::kFrom || last == Fn::kLoc)) {
      m.place = internal::kPlaceNone;
      return;
    }
    if (anchor && anchor->kind == MentionKind::kPlace && anchor->place == internal::kPlaceCountry)
      country = anchor->actor.country.empty() ? doc.focus_country : anchor->actor.country;
    const internal::Country* c = s.model->CountryOf(country);
    if (!c) {
      m.place = internal::kPlaceNone;
      return;
    }
    m.actor.country = c->iso3;
    if (anchor && !country_anchor) {
      m.antecedent = static_cast<int32_t>(anchor - doc.mentions.data());
      // A capital's actor name is its country (it acts as the government): the place is the city.
      const std::string where = anchor->kind == MentionKind::kCapital ? c->capital : anchor->actor.name;
      m.actor.name = std::string(kNoun[d]) + " of " + where;
    } else {
      m.actor.name = std::string(kAdjective[d]) + " " + c->name;
    }
    m.actor.via = "direction:" + c->iso3;
  }

  // "The president", "the former president" with nobody of that title named in the report: the holder of
  // the office in the title's country (a demonym before it, else the focus country) on the publication
  // date, or, for a former holder, the one whose term ended last before it (actors/people.tsv).
  void ResolveOffices(Doc& doc, Scratch& s) const {
    if (s.office_titles.empty() || s.published.empty()) return;
    for (Mention& m : doc.mentions) {
      if (m.kind != MentionKind::kTitle || m.antecedent >= 0 || m.actor.country.empty()) continue;
      const internal::Entry* en = nullptr;
      for (const auto& [t, e] : s.office_titles)
        if (t >= m.first_token && t < m.end_token) en = e;
      if (!en) continue;
      const auto of_country = s.model->people_of_country.find(m.actor.country);
      if (of_country == s.model->people_of_country.end()) continue;
      const std::string_view roles = en->text;  // "president,acting_president"
      auto holds = [&](const std::string& role) {
        for (size_t at = 0; at <= roles.size();) {
          size_t comma = roles.find(',', at);
          if (comma == std::string_view::npos) comma = roles.size();
          if (roles.substr(at, comma - at) == role) return true;
          at = comma + 1;
        }
        return false;
      };
      const bool former = en->flags & internal::kTitleFormer;
      const std::string& day = s.published;
      const internal::Person* best = nullptr;
      for (const uint32_t row : of_country->second) {
        const internal::Person& p = s.model->people[row];
        if (!holds(p.role)) continue;
        const bool started = p.from.empty() || p.from <= day;
        const bool ongoing = p.to.empty() || day <= p.to;
        if (!former && started && ongoing) {
          best = &p;
          break;
        }
        if (former && !p.to.empty() && p.to < day && (!best || best->to < p.to)) best = &p;
      }
      if (!best) continue;
      m.kind = MentionKind::kPerson;
      m.actor.name = best->name;
      m.actor.sector = best->sector;
      m.actor.via = std::string(former ? "former holder" : "holder") + " of the office on " + day + ": " +
                    best->role + " " + best->from + ".." + (best->to.empty() ? "" : best->to);
    }
  }

  static void DefaultCountries(Doc& doc) {
    if (doc.focus_country.empty()) return;
    for (Mention& m : doc.mentions) {
      if (!IsActorKind(m.kind) || m.kind == MentionKind::kOrganisation) continue;
      if (m.actor.country.empty()) {
        m.actor.country = doc.focus_country;
        m.actor.via += m.actor.via.empty() ? "default-country" : "; default-country";
      }
    }
  }
};

}  // namespace

// True when the first letter of a lexicon pattern is lower case. An `=` form ("=us") is written in lower
// case to be matched exactly, not to be matched without its capital.
bool LowerInitial(std::string_view pattern) {
  if (pattern.empty() || pattern[0] == '=') return false;
  size_t i = 0;
  const char32_t c = text::NextCodePoint(pattern, i);
  return u_islower(c);
}

bool StartsWithAny(std::string_view w, const std::vector<std::string>& prefixes) {
  for (const std::string& p : prefixes)
    if (w.size() > p.size() && w.compare(0, p.size(), p) == 0) return true;
  return false;
}

Fn ParseFn(std::string_view role) {
  // Runs once per function-word match: the roles are told apart by their first letter, then compared whole.
  if (role.empty()) return Fn::kNone;
  auto is = [&](std::string_view name, Fn fn) { return role == name ? fn : Fn::kNone; };
  switch (role[0]) {
    case 'a':
      return role == "and" ? Fn::kAnd : role == "adv" ? Fn::kAdv : is("against", Fn::kAgainst);
    case 'b':
      return role == "be" ? Fn::kBe : role == "by" ? Fn::kBy : role == "between" ? Fn::kBetween
                                                                                   : is("by_after", Fn::kByAfter);
    case 'c':
      return is("comp", Fn::kComp);
    case 'd':
      return is("det", Fn::kDet);
    case 'f':
      return is("from", Fn::kFrom);
    case 'h':
      return is("have", Fn::kHave);
    case 'i':
      return is("indef", Fn::kIndef);
    case 'l':
      return is("loc", Fn::kLoc);
    case 'o':
      return role == "of" ? Fn::kOf : is("on", Fn::kOn);
    case 'p':
      return role == "prep" ? Fn::kPrep : is("poss", Fn::kPoss);
    case 'q':
      return is("quant", Fn::kQuant);
    case 'r':
      return is("rel", Fn::kRel);
    case 's':
      return role == "sub" ? Fn::kSub : is("strong", Fn::kStrong);
    case 't':
      return is("to", Fn::kTo);
    case 'w':
      return is("with", Fn::kWith);
    default:
      return Fn::kNone;
  }
}

namespace internal {
std::unique_ptr<Component> MakeEntitiesComponent() { return std::make_unique<EntitiesComponent>(); }
}  // namespace internal

}  // namespace tocsin
