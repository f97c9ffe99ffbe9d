// Groups within a report (issue "One happening, one event"): mentions of one happening share a group, take
// its most specific place and date, and show the group's highest figures beside their own; another
// happening of the same report stays apart.
#include <gtest/gtest.h>

#include "test_support.h"

namespace tocsin::testing {
namespace {

TEST(Groups, MentionsOfOneHappeningShareAGroupAndItsFigures) {
  Doc doc = CodeText(
      "Security forces opened fire on protesters in Bishkek on Wednesday, killing over a hundred people.\n\n"
      "The opposition says it now controls the country. Officials said that 168 people were killed in "
      "the fighting.\n\n"
      "In March 2005 mass unrest in the country overthrew the regime of President Askar Akayev.",
      "2010-04-09");
  const Event* fire = nullptr;
  const Event* toll = nullptr;
  const Event* before = nullptr;
  for (const Event& e : doc.events) {
    if (e.modality != Modality::kAsserted) continue;
    if (e.type == EventType::kAssault && e.dead && e.dead->value == 100) fire = &e;
    if (e.type == EventType::kAssault && e.dead && e.dead->value == 168) toll = &e;
    if (e.date && e.date->value.rfind("2005", 0) == 0) before = &e;
  }
  ASSERT_NE(fire, nullptr);
  ASSERT_NE(toll, nullptr);
  EXPECT_EQ(fire->group, toll->group);
  // The toll takes the group's place; each keeps its figure and shows the group's.
  ASSERT_TRUE(toll->place.has_value());
  EXPECT_EQ(toll->place->name, "Bishkek");
  EXPECT_TRUE(fire->has_group_counts);
  ASSERT_TRUE(fire->group_dead.has_value());
  EXPECT_EQ(fire->group_dead->value, 168);
  EXPECT_EQ(fire->dead->value, 100);
  if (before) {
    EXPECT_NE(before->group, fire->group) << "the 2005 unrest is another happening";
  }
}

// Regressions found by the story test reports: a number goes to the count word nearest it, and an age is
// no toll.
std::optional<int64_t> Figure(const Doc& doc, std::optional<Count> Event::*field) {
  for (const Event& e : doc.events)
    if (e.*field) return (e.*field)->value;
  return std::nullopt;
}

TEST(Counts, ANumberGoesToTheCountWordNearestIt) {
  Doc doc = CodeText("Eight police officers had been killed and more than 300 injured as protesters stormed the akimat.");
  EXPECT_EQ(Figure(doc, &Event::injured), 300);
  EXPECT_NE(Figure(doc, &Event::dead), 300);
  doc = CodeText("Une personne a été tuée et près de 600 blessées lors des heurts à Bichkek.", "2020-10-06", "fr");
  EXPECT_EQ(Figure(doc, &Event::injured), 600);
  EXPECT_NE(Figure(doc, &Event::dead), 600);
}

TEST(Counts, AnAgeIsNoToll) {
  EXPECT_EQ(Figure(CodeText("Police said a 19-year-old was killed in the clashes in Bishkek."), &Event::dead),
            std::nullopt);
  EXPECT_EQ(Figure(CodeText("Bei den Zusammenstößen wurde ein 19-Jähriger getötet.", "2020-10-06", "de"), &Event::dead),
            std::nullopt);
}

TEST(Counts, TollsStatedAfterTheirWord) {
  EXPECT_EQ(Figure(CodeText("The death toll from the clashes in Bishkek rose to 75, the health ministry said."),
                   &Event::dead),
            75);
  EXPECT_EQ(Figure(CodeText("Число погибших в результате беспорядков в Бишкеке достигло 75 человек.", "2010-04-08", "ru"),
                   &Event::dead),
            75);
  EXPECT_EQ(Figure(CodeText("Le nombre de morts dans les heurts à Och s'élève à 62.", "2010-06-12", "fr"), &Event::dead), 62);
  EXPECT_EQ(Figure(CodeText("Oş kentinde çatışmalarda ölenlerin sayısı 100'ü aştı.", "2010-06-13", "tr"), &Event::dead), 100);
}

}  // namespace
}  // namespace tocsin::testing
