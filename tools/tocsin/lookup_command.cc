// `tocsin geo` and `tocsin actor`: how one name resolves, and why.
//
// Both read the name as Tocsin reads a report (same lexicons, same pipeline), so that what they show is what
// coding does; `geo` adds the ranked gazetteer candidates with the reasons behind each score.
#include <cstdio>
#include <iostream>

#include "commands.h"
#include "lexicon/model_data.h"
#include "resolve/geocode.h"
#include "tocsin/pipeline.h"

namespace tocsin::cli {
namespace {

const char* KindName(MentionKind k) {
  switch (k) {
    case MentionKind::kAgent:
      return "agent";
    case MentionKind::kPerson:
      return "person";
    case MentionKind::kCountry:
      return "country";
    case MentionKind::kDemonym:
      return "demonym";
    case MentionKind::kCapital:
      return "capital";
    case MentionKind::kSeat:
      return "seat of government";
    case MentionKind::kOrganisation:
      return "organisation";
    case MentionKind::kPlace:
      return "place";
    case MentionKind::kPronoun:
      return "pronoun";
    case MentionKind::kTitle:
      return "title";
    case MentionKind::kName:
      return "unknown name";
  }
  return "?";
}

// Codes `text` as a one-line report and returns the document (mentions resolved as in any report).
Result<Doc> Read(std::shared_ptr<const Model> model, const std::string& text, const std::string& date,
                 const std::string& lang) {
  auto pipeline = Pipeline::Create(std::move(model), PipelineOptions{});
  if (!pipeline.ok()) return pipeline.status();
  Worker w = (*pipeline)->NewWorker();
  Input in;
  in.id = "lookup";
  in.text = text;
  in.published = date;
  in.lang = lang;
  Doc doc;
  Status s = w.Code(in, &doc);
  if (!s.ok()) return s;
  return doc;
}

}  // namespace

int Geo(std::shared_ptr<const Model> model, const LookupArgs& args) {
  const internal::ModelData& m = model->data();
  // What the lexicons make of it first: a country, a capital or a place written in data/.
  auto doc = Read(model, args.name, args.date, args.lang);
  if (doc.ok())
    for (const Place& p : doc->places)
      std::printf("in a report: \"%s\" -> %s (%s) %s%s\n", p.text.c_str(), p.name.c_str(), p.country.c_str(),
                  p.precision.c_str(), p.geonames ? (", GeoNames " + std::to_string(p.geonames)).c_str() : "");
  if (!m.gazetteer) {
    std::printf("this model has no gazetteer (built without GeoNames: run scripts/setup and rebuild)\n");
    return kExitOk;
  }
  const auto ranked = resolve::RankPlaces(m, args.name, args.context);
  if (ranked.empty()) {
    std::printf("no gazetteer place is called \"%s\"\n", args.name.c_str());
    return kExitOk;
  }
  std::printf("gazetteer: %zu place(s) called \"%s\"%s, best first:\n", ranked.size(), args.name.c_str(),
              args.context.empty() ? "" : " in context");
  const internal::Gazetteer& g = *m.gazetteer;
  for (size_t i = 0; i < ranked.size() && i < static_cast<size_t>(args.limit); ++i) {
    const internal::GeoPlace& p = g.place(ranked[i].place);
    const std::string country = p.country < m.countries.size() ? m.countries[p.country].iso3 : "?";
    std::printf("%2zu. %-28s %s  %-22s %8.4f %9.4f  %-9s pop %-9u geonames %-9lld score %.2f\n", i + 1,
                std::string(g.name(p)).c_str(), country.c_str(), std::string(g.region_name(p.admin1)).c_str(),
                p.lat, p.lon, std::string(internal::GeoFeatureName(p.feature)).c_str(), p.population,
                static_cast<long long>(p.geonames), ranked[i].score);
    std::string why;
    for (const std::string& w : ranked[i].why) why += (why.empty() ? "" : "; ") + w;
    std::printf("      %s\n", why.c_str());
  }
  return kExitOk;
}

int Actor(std::shared_ptr<const Model> model, const LookupArgs& args) {
  const internal::ModelData& m = model->data();
  auto doc = Read(model, args.name, args.date, args.lang);
  if (!doc.ok()) {
    std::cerr << "tocsin actor: " << doc.status().message() << "\n";
    return kExitFatal;
  }
  if (doc->mentions.empty()) std::printf("\"%s\": no actor the lexicons know\n", args.name.c_str());
  for (const Mention& mn : doc->mentions) {
    const tocsin::Actor& a = mn.actor;
    std::printf("\"%s\" -> %s: %s, country %s, sector %s\n      found by %s\n", a.text.c_str(), KindName(mn.kind),
                a.name.c_str(), a.country.empty() ? "-" : a.country.c_str(), a.sector.empty() ? "-" : a.sector.c_str(),
                a.via.c_str());
    if (mn.kind != MentionKind::kPerson) continue;
    // Every office the person held: the one in force on the date decides country and sector.
    for (const internal::Person& p : m.people) {
      if (p.name != a.name) continue;
      const bool now = !args.date.empty() && (p.from.empty() || p.from <= args.date) &&
                       (p.to.empty() || args.date <= p.to);
      std::printf("      %s %-28s %s %s  %s .. %s\n", now ? "*" : " ", p.role.c_str(), p.country.c_str(),
                  p.sector.c_str(), p.from.empty() ? "?" : p.from.c_str(), p.to.empty() ? "now" : p.to.c_str());
    }
    if (args.date.empty()) std::printf("      (give --date YYYY-MM-DD to choose the office in force)\n");
  }
  return kExitOk;
}

}  // namespace tocsin::cli
