// In-document actor coreference: surnames, pronouns and bare titles.
#pragma once

#include "tocsin/document.h"

namespace tocsin::resolve {

// Links mentions to earlier mentions of the same actor and copies the antecedent's country, sector and
// canonical name (Mention::antecedent, Actor::via "coref:..."):
//  - a name equal to the surname or full name of an earlier person ("Otunbayeva" after "Roza Otunbayeva");
//  - he/she/they to the nearest compatible actor in this or the two previous sentences (persons for
//    he/she, with a guess of grammatical gender from Slavic and Central Asian surname endings; groups for
//    they);
//  - a title standing alone ("the president") to the last person introduced with that title.
void ResolveCoreference(Doc& doc);

}  // namespace tocsin::resolve
