#!/usr/bin/env python3
"""Writes a synthetic partner feed of N events (a tenth of them weekly series) for benchmarks:
bench/make_feed.py N > feed.ics"""
import sys

count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
out = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Concerto bench//FR",
       "X-WR-TIMEZONE:Europe/Paris"]
for i in range(count):
    month, day = 1 + (i // 28) % 12, 1 + i % 28
    out += [
        "BEGIN:VEVENT",
        f"UID:bench-{i}@concerto.example",
        "DTSTAMP:20261201T000000Z",
        f"DTSTART;TZID=Europe/Paris:2027{month:02d}{day:02d}T093000",
        f"DTEND;TZID=Europe/Paris:2027{month:02d}{day:02d}T113000",
        f"SUMMARY:Atelier de la participation citoyenne n° {i}",
        "DESCRIPTION:Un atelier ouvert à tous\\, avec des retours d'expérience.",
        "LOCATION:Maison des associations\\, Nantes",
        "CATEGORIES:Atelier,Numérique",
        f"URL:https://example.org/e/{i}",
    ]
    if i % 10 == 0:
        out.append("RRULE:FREQ=WEEKLY;COUNT=10")
    out.append("END:VEVENT")
out.append("END:VCALENDAR")
sys.stdout.write("\r\n".join(out) + "\r\n")
