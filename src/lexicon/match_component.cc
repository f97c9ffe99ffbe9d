// The match component: one pass of all lexicons of the document's language over each sentence.
#include <cstdio>
#include <cstdlib>

#include "lexicon/matcher.h"
#include "pipeline/registry.h"
#include "pipeline/scratch.h"
#include "text/stem.h"
#include "text/translit.h"

namespace tocsin {
namespace {

// TOCSIN_TRACE=1 prints each sentence's tokens and selected matches on stderr (doc/debugging.md).
void Trace(const Doc& doc, const Scratch& s) {
  static constexpr const char* kKinds[] = {"trigger", "agent",   "title", "pronoun",      "cue",    "number",  "count",
                                           "date",    "country", "place", "organisation", "person", "function"};
  for (size_t i = 0; i < doc.sentences.size(); ++i) {
    const Sentence& sent = doc.sentences[i];
    std::fprintf(stderr, "[%zu] ", i);
    for (uint32_t t = sent.first_token; t < sent.first_token + sent.token_count; ++t)
      std::fprintf(stderr, "%.*s ", static_cast<int>(doc.tokens[t].folded_len),
                   doc.folded.data() + doc.tokens[t].folded_begin);
    std::fprintf(stderr, "\n");
    for (uint32_t k = s.sentence_matches[i]; k < s.sentence_matches[i + 1]; ++k) {
      const internal::Match& m = s.matches[k];
      const internal::Entry& e = s.entry(m);
      const Span sp{doc.tokens[m.begin].span.begin, doc.tokens[m.end - 1].span.end};
      std::fprintf(stderr, "    %-12s %-28.*s %s %s %s\n", kKinds[static_cast<int>(e.kind)],
                   static_cast<int>(sp.end - sp.begin), doc.text.data() + sp.begin, e.pattern.c_str(), e.mode.c_str(),
                   e.sector.c_str());
    }
  }
}

// The other ways a word may name something listed (doc/lexicon-format.md, lang.tsv): without a case ending
// or a clitic ("Бишкеке" → Бишкек, "Kasakhstans" → Kasakhstan, "وموسكو" → موسكو), and, for a language with a
// transliterator, as the Latin name its transliteration spells ("Курманов" → Kurmanov).
void NameIds(const internal::LangData& lang, text::Transliterator* translit, std::string_view folded,
             Scratch::TermIds* ids) {
  const internal::LangGrammar& g = lang.grammar;
  auto strip_ending = [&](std::string_view w) {
    for (const std::string& e : g.name_endings)
      if (internal::EndsWithAny(w, {e}, 3)) return w.substr(0, w.size() - e.size());
    return w;
  };
  auto name_term = [&](std::string_view form) -> uint32_t {
    if (form == folded) return 0;
    auto it = lang.exact_ids.find(form);
    return it != lang.exact_ids.end() && lang.name_terms.count(it->second) ? it->second : 0;
  };
  // Every clitic that fits is tried, longest first; "لل>ال" strips a clitic and puts back what it hid.
  std::string bare(folded);
  ids->alt = name_term(folded) ? 0 : name_term(strip_ending(folded));
  for (const std::string& p : g.name_prefixes) {
    if (ids->alt) break;
    const size_t gt = p.find('>');
    const std::string_view strip = gt == std::string::npos ? std::string_view(p) : std::string_view(p).substr(0, gt);
    if (folded.size() <= strip.size() || folded.compare(0, strip.size(), strip) != 0 ||
        text::CodePoints(folded.substr(strip.size())) < 2)
      continue;
    std::string candidate = (gt == std::string::npos ? "" : p.substr(gt + 1)) + std::string(folded.substr(strip.size()));
    ids->alt = name_term(candidate);
    if (!ids->alt) ids->alt = name_term(strip_ending(candidate));
    if (ids->alt) bare = std::move(candidate);
  }
  const std::string_view stripped = strip_ending(bare);
  if (!translit || lang.stopword_set.count(folded)) return;
  // Only words in another script: a Latin word in a Russian text is found by its exact form.
  bool ascii = true;
  for (unsigned char c : folded) ascii = ascii && c < 0x80;
  if (ascii) return;
  for (std::string_view form : {folded, std::string_view(bare), stripped}) {
    auto it = lang.translit_ids.find(text::NameKey(translit->ToLatin(form)));
    if (it != lang.translit_ids.end()) {
      ids->translit = it->second;
      return;
    }
  }
}

class MatchComponent final : public Component {
 public:
  std::string_view name() const override { return "match"; }
  std::vector<std::string_view> needs() const override { return {"tokens"}; }
  std::vector<std::string_view> provides() const override { return {"matches"}; }
  // Gives tokens [begin, end) their term ids in `lang`: one stem and one exact-form lookup per distinct
  // word, cached across documents, and the name ids of NameIds.
  static Status TermIds(Doc& doc, Scratch& s, const internal::LangData& lang, uint32_t begin, uint32_t end) {
    auto& stemmer = s.stemmers[lang.iso];
    if (!stemmer) {
      stemmer = text::Stemmer::Create(lang.stemmer, lang.grammar.suffixes);
      if (!stemmer) return Status::Internal("no Snowball stemmer `" + lang.stemmer + "` in this libstemmer");
    }
    const internal::LangGrammar& g = lang.grammar;
    text::Transliterator* translit = nullptr;
    if (!g.translit.empty()) {
      auto& tr = s.transliterators[lang.iso];
      if (!tr) {
        auto made = text::Transliterator::Create(g.translit);
        if (!made.ok()) return made.status();
        tr = std::move(made).value();
      }
      translit = tr.get();
    }
    const bool caseless = lang.script == "Arab" || lang.script == "Hebr";
    auto& cache = s.term_cache[lang.iso];
    if (cache.size() > Scratch::kTermCacheLimit || cache.key_bytes() > Scratch::kTermCacheBytes) cache.clear();
    for (uint32_t ti = begin; ti < end; ++ti) {
      Token& t = doc.tokens[ti];
      const std::string_view folded = doc.folded_of(t);
      const Scratch::TermIds* hit = cache.Find(folded);
      if (!hit) {
        Scratch::TermIds ids;
        auto ex = lang.exact_ids.find(folded);
        ids.exact = ex == lang.exact_ids.end() ? 0 : ex->second;
        // Single punctuation marks are their own stem.
        auto st = (t.flags & kTokPunct) && folded.size() == 1 ? lang.stem_ids.find(folded)
                                                              : lang.stem_ids.find(stemmer->Stem(folded));
        ids.stem = st == lang.stem_ids.end() ? 0 : st->second;
        if (t.flags & kTokWord) NameIds(lang, translit, folded, &ids);
        hit = cache.Insert(folded, ids);
      }
      t.stem_id = hit->stem;
      t.exact_id = hit->exact;
      // Inflected and transliterated names are names: capitalised, unless the script has no case. ("того",
      // a common word, would otherwise be Togo.)
      const bool name_like = (t.flags & kTokUpper) || caseless;
      t.alt_id = name_like ? hit->alt : 0;
      t.translit_id = name_like ? hit->translit : 0;
    }
    return Status::Ok();
  }

  Status Process(Doc& doc, Scratch& s) const override {
    s.sentence_matches.assign(doc.sentences.size() + 1, 0);
    std::vector<internal::Match>& local = s.sentence_match_work;
    for (size_t i = 0; i < doc.sentences.size(); ++i) {
      s.sentence_matches[i] = static_cast<uint32_t>(s.matches.size());
      const internal::LangData* lang = i < s.sentence_lang.size() ? s.sentence_lang[i] : nullptr;
      if (!lang) continue;
      const Sentence& sent = doc.sentences[i];
      // Term ids for the whole run of sentences in this language at once (a run is usually the document).
      if (i == 0 || s.sentence_lang[i - 1] != lang) {
        size_t j = i + 1;
        while (j < doc.sentences.size() && s.sentence_lang[j] == lang) ++j;
        const Sentence& last = doc.sentences[j - 1];
        TOCSIN_RETURN_IF_ERROR(TermIds(doc, s, *lang, sent.first_token, last.first_token + last.token_count));
      }
      // A headline in capitals often drops its accents ("EL SENADO PROTESTO", "FARAO GREVE"): a word that
      // is no exact form as written may be one without its accents.
      if (sent.in_capitals) {
        const internal::TermMap* bare = nullptr;
        for (uint32_t t = sent.first_token; t < sent.first_token + sent.token_count; ++t) {
          Token& tok = doc.tokens[t];
          if (tok.exact_id || !(tok.flags & kTokWord)) continue;
          if (!bare) bare = &lang->ExactWithoutAccents();
          if (bare->empty()) break;
          if (auto it = bare->find(doc.folded_of(tok)); it != bare->end()) tok.exact_id = it->second;
        }
      }
      local.clear();
      internal::MatchAll(*lang, doc.tokens, sent.first_token, sent.first_token + sent.token_count, &local);
      internal::SelectLongest(*lang, &local, &s.select_work);
      const uint32_t li = static_cast<uint32_t>(lang - s.model->langs.data());
      for (internal::Match& m : local) m.lang = li;
      s.matches.insert(s.matches.end(), local.begin(), local.end());
    }
    s.sentence_matches[doc.sentences.size()] = static_cast<uint32_t>(s.matches.size());
    // Read once per process: getenv scans the whole environment, and this runs for every document.
    static const bool trace = std::getenv("TOCSIN_TRACE") != nullptr;
    if (trace) Trace(doc, s);
    return Status::Ok();
  }
};

}  // namespace

namespace internal {
std::unique_ptr<Component> MakeMatchComponent() { return std::make_unique<MatchComponent>(); }
}  // namespace internal

}  // namespace tocsin
