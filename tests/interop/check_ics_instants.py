#!/usr/bin/python3
"""Checks a Concerto calendar with an independent parser (python3-icalendar).

Usage: check_ics_instants.py calendar.ics events.json

For every VEVENT of the ICS (a series: its master's DTSTART; overrides: their own), the UTC
instants of DTSTART and DTEND are computed from the VTIMEZONE components written in the file
itself (observances and their yearly RRULEs are expanded here, the zone database is only used
for a cross-check) and compared with the JSON occurrence of the same uid and recurrence.
Prints "N passed, M failed" and exits 1 on any failure, 2 on bad usage or a missing module.
"""

import bisect
import datetime as dt
import json
import sys

try:
    import icalendar
    from dateutil import rrule as dateutil_rrule
    import zoneinfo
except ImportError as error:  # the test must fail, not pass, without the parser
    print(f"missing Python module: {error}", file=sys.stderr)
    sys.exit(2)

UTC = dt.timezone.utc
LAST_YEAR = 2101


class VTimezone:
    """Offsets from one VTIMEZONE's observances, per RFC 5545 3.6.5 and 3.3.5."""

    def __init__(self, component):
        self.tzid = str(component["TZID"])
        onsets = []  # (utc naive, offset_from, offset_to)
        for observance in component.subcomponents:
            if observance.name not in ("STANDARD", "DAYLIGHT"):
                continue
            offset_from = observance["TZOFFSETFROM"].td
            offset_to = observance["TZOFFSETTO"].td
            start = observance["DTSTART"].dt
            if not isinstance(start, dt.datetime) or start.tzinfo is not None:
                raise ValueError(f"{self.tzid}: observance DTSTART must be a local date-time")
            local_onsets = [start]
            if "RRULE" in observance:
                rule = observance["RRULE"].to_ical().decode()
                until = dt.datetime(LAST_YEAR, 1, 1)
                local_onsets = list(
                    dateutil_rrule.rrulestr(rule, dtstart=start).between(start, until, inc=True))
            for onset in local_onsets:
                onsets.append((onset - offset_from, offset_from, offset_to))
        if not onsets:
            raise ValueError(f"{self.tzid}: no observance")
        onsets.sort()
        self.instants = [onset[0] for onset in onsets]
        self.onsets = onsets

    def offset_at_utc(self, utc_naive):
        index = bisect.bisect_right(self.instants, utc_naive)
        if index == 0:
            return self.onsets[0][1]
        return self.onsets[index - 1][2]

    def to_utc(self, local_naive):
        """A wall time to UTC: a repeated one is its first instance, a skipped one is read with
        the offset before the gap."""
        offsets = {onset[1] for onset in self.onsets} | {onset[2] for onset in self.onsets}
        fitting = [local_naive - offset for offset in offsets
                   if self.offset_at_utc(local_naive - offset) == offset]
        if fitting:
            return min(fitting)
        before = self.offset_at_utc(local_naive - max(offsets) - dt.timedelta(days=1))
        return local_naive - before


def json_instant(text):
    """'2026-10-19' -> date; ISO date-time with offset -> aware UTC; without -> naive."""
    if text is None:
        return None
    if len(text) == 10:
        return dt.date.fromisoformat(text)
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value.astimezone(UTC) if value.tzinfo is not None else value


class Checker:
    def __init__(self, calendar):
        self.zones = {}
        for component in calendar.walk("VTIMEZONE"):
            zone = VTimezone(component)
            self.zones[zone.tzid] = zone
        self.passed = 0
        self.failed = 0
        self.zoneinfo_checks = 0

    def fail(self, message):
        self.failed += 1
        print(f"FAIL {message}")

    def instant(self, prop, what, uid):
        """The instant of a DTSTART/DTEND/RECURRENCE-ID read with the file's VTIMEZONE."""
        return self.value_instant(prop.dt, prop.params.get("TZID"), what, uid)

    def value_instant(self, value, tzid, what, uid):
        if not isinstance(value, dt.datetime):
            return value  # a date
        if tzid is None:
            if value.tzinfo is not None:
                return value.astimezone(UTC)  # "Z"
            return value  # floating
        zone = self.zones.get(str(tzid))
        if zone is None:
            self.fail(f"{uid} {what}: TZID={tzid} has no VTIMEZONE in the file")
            return None
        wall = value.replace(tzinfo=None)  # icalendar keeps the wall time as written
        utc = zone.to_utc(wall).replace(tzinfo=UTC)
        self.cross_check(str(tzid), wall, utc, uid, what)
        return utc

    def cross_check(self, tzid, wall, utc, uid, what):
        """Our VTIMEZONE should also agree with the system zone database."""
        try:
            system = zoneinfo.ZoneInfo(tzid)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return
        self.zoneinfo_checks += 1
        expected = wall.replace(tzinfo=system).astimezone(UTC)  # fold=0: RFC 5545 3.3.5
        if expected != utc:
            self.fail(f"{uid} {what}: {wall} {tzid} is {utc} by the VTIMEZONE but "
                      f"{expected} by zoneinfo")

    def check(self, calendar, occurrences):
        by_key = {}
        for occurrence in occurrences:
            key = (occurrence["uid"], json_instant(occurrence["recurrence_id"]))
            by_key[key] = occurrence
        for vevent in calendar.walk("VEVENT"):
            uid = str(vevent["UID"])
            start = self.instant(vevent["DTSTART"], "DTSTART", uid)
            if start is None:
                continue
            if "DTEND" in vevent:
                end = self.instant(vevent["DTEND"], "DTEND", uid)
            elif isinstance(start, dt.datetime):
                end = start
            else:
                end = start + dt.timedelta(days=1)
            if "RECURRENCE-ID" in vevent:
                recurrence = self.instant(vevent["RECURRENCE-ID"], "RECURRENCE-ID", uid)
                label = f"{uid} (override {recurrence})"
            elif "RRULE" in vevent or "RDATE" in vevent:
                recurrence = start
                label = f"{uid} (series start {start})"
                if self.excluded(vevent, start, uid):
                    continue
            else:
                recurrence = None
                label = uid
            occurrence = by_key.get((uid, recurrence))
            if occurrence is None:
                self.fail(f"{label}: no JSON occurrence")
                continue
            json_start = json_instant(occurrence["start"])
            json_end = json_instant(occurrence["end"])
            if (start, end) == (json_start, json_end):
                self.passed += 1
            else:
                self.fail(f"{label}: ICS {start} .. {end}, JSON {json_start} .. {json_end}")

    def excluded(self, vevent, start, uid):
        exdates = vevent.get("EXDATE")
        if exdates is None:
            return False
        for group in exdates if isinstance(exdates, list) else [exdates]:
            tzid = group.params.get("TZID")
            for value in group.dts:
                if self.value_instant(value.dt, tzid, "EXDATE", uid) == start:
                    return True
        return False


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], "rb") as file:
        calendar = icalendar.Calendar.from_ical(file.read())
    with open(argv[2], encoding="utf-8") as file:
        occurrences = json.load(file)["events"]
    checker = Checker(calendar)
    checker.check(calendar, occurrences)
    print(f"{checker.passed} passed, {checker.failed} failed "
          f"({len(checker.zones)} VTIMEZONEs, {checker.zoneinfo_checks} zoneinfo cross-checks)")
    if checker.passed == 0:
        print("FAIL nothing was checked")
        return 1
    return 1 if checker.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
