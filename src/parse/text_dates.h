#pragma once
// Finds the date of an event written only in prose (French or English), relative to the
// publication date of the item. Precision before recall: deadlines, validity starts,
// publication dates, vague periods and past reports give no event, and nothing is made up.
// Pure function, thread-safe; reads at most the first 20 kB of the text, in linear-ish time.

#include <optional>
#include <string>
#include <string_view>

#include "core/civil_time.h"
#include "core/event.h"

namespace concerto::parse {

struct ProseItem {
  std::string_view title;
  std::string_view text;  // plain text (see html_text.h)
  core::Date published;   // the item's publication day, in the feed's zone
};

struct ProseEvent {
  // All-day: dates, end exclusive. Timed: floating wall times (empty tzid); the feed's zone is
  // applied later. A time without an end gets end = start.
  core::EventTime start;
  core::EventTime end;
  std::string location;  // "Lille", "Maison des associations de Tours", "En ligne", or empty
};

struct ProseDate {
  std::optional<ProseEvent> event;
  std::string reason;  // when no event: why ("only a deadline", "no date found", ...)
};

// Rules (tests/fixtures/prose/labelled.tsv is the measured spec):
// - Year: an explicit year is kept (a range's start takes the end's, less one across New Year);
//   otherwise the first year putting the date on or after `published` less 7 days (a late
//   announcement keeps its own year) and agreeing with a named weekday, at most two years on.
//   No such year: no event, "weekday does not match". An explicit year in the past: "past report".
// - A date is not an event after "avant", "jusqu'au", "au plus tard", "date limite", "by",
//   "until", "deadline" ("only a deadline"), "à partir du", "dès le", "depuis", "starting from"
//   ("only a start of validity"), "publié le", "paru le", "posted on" ("only a publication
//   date"), "la semaine du" ("only a vague period"), nor in a sentence whose nearest marker is
//   a past one ("a eu lieu", "s'est tenu", "dernier", "took place", a compound past tense...)
//   or about opening hours ("est ouverte", "sera fermée"); a title opening with "Retour sur",
//   "Compte-rendu", "Bilan", "Recap" makes the whole item a "past report".
// - Several event dates: the title's first wins, else the text's first; three or more distinct
//   days more than 60 days apart in the text (a programme) give "several dates far apart".
//   A list of following days is a range; a list of scattered days keeps its first day.
// - A time after the date (or just before it) makes it timed: start = first day at the start
//   time, end = last day at the end time (or the start time).
// - Location: a capitalised name after "à", "au", "à la", "at", "in" in the date's sentence
//   (then the title, then the text's first sentence for a dated title); "en ligne", "en visio",
//   "online", "webinaire" give "En ligne".
ProseDate find_event_date(const ProseItem& item);

}  // namespace concerto::parse
