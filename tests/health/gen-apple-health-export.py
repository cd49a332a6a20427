#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes a synthetic Apple Health export.xml from a seed, and beside it the
counts an importer must find, computed here, independently of the C code.

    gen-apple-health-export.py --seed 1 --records 5000 OUT.xml [EXPECT.json]

The file looks like what the Health app writes: the DOCTYPE with its internal
DTD subset, <ExportDate>, <Me>, then <Record>s with Apple's attribute names and
date format ("2024-03-31 03:30:00 +0200", local time in Europe/Berlin), spread
over several years and across every change of the clocks, with metadata
children, the same sample from two sources, exact duplicates, units that need
converting (lb, mi, kJ, body fat as a fraction), records of types that are not
imported, records inside a <Correlation> (which repeat top-level ones and must
not be counted), a <Workout>, and records that must be refused, each for a
known reason. The EXPECT file says, per wire type, how many points, the sum
of their canonical values and of their recorded_at (Unix seconds), and the
refusals by reason.
"""

import json
import random
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Berlin")
START = datetime(2021, 1, 1, tzinfo=timezone.utc)
END = datetime(2025, 1, 1, tzinfo=timezone.utc)

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 14 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord|Audiogram|VisionPrescription)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ATTLIST Me
  HKCharacteristicTypeIdentifierDateOfBirth         CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBiologicalSex       CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBloodType           CDATA #REQUIRED
  HKCharacteristicTypeIdentifierFitzpatrickSkinType CDATA #REQUIRED
  HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry
  key   CDATA #REQUIRED
  value CDATA #REQUIRED
>
<!ELEMENT Correlation ((MetadataEntry|Record)*)>
<!ATTLIST Correlation
  type          CDATA #REQUIRED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute)*)>
<!ATTLIST Workout
  workoutActivityType   CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
  sourceName            CDATA #REQUIRED
  sourceVersion         CDATA #IMPLIED
  device                CDATA #IMPLIED
  creationDate          CDATA #IMPLIED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
>
<!ELEMENT WorkoutEvent EMPTY>
<!ATTLIST WorkoutEvent
  type         CDATA #REQUIRED
  date         CDATA #REQUIRED
  duration     CDATA #IMPLIED
  durationUnit CDATA #IMPLIED
>
]>
<HealthData locale="en_GB">
 <ExportDate value="2025-01-02 09:14:55 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1987-05-14" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale" HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet" HKCharacteristicTypeIdentifierFitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet" HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse="None"/>
"""

WATCH = ('Anna’s Apple Watch', '9.1',
         '&lt;&lt;HKDevice: 0x283a4c1e0&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,2, software:9.1&gt;')
PHONE = ('Anna’s iPhone', '16.1',
         '&lt;&lt;HKDevice: 0x283a4c2d0&gt;, name:iPhone, manufacturer:Apple Inc., model:iPhone, hardware:iPhone14,5, software:16.1&gt;')
SCALE = ('Withings', '6.3.1', None)

KINDS = [
    # weight, Apple type, wire type, at_end
    (550, 'HKQuantityTypeIdentifierHeartRate', 'heart_rate', False),
    (200, 'HKQuantityTypeIdentifierStepCount', 'steps', True),
    (100, 'HKQuantityTypeIdentifierDistanceWalkingRunning', 'distance', True),
    (80, 'HKQuantityTypeIdentifierActiveEnergyBurned', 'active_energy', True),
    (15, 'HKCategoryTypeIdentifierSleepAnalysis', 'sleep', True),
    (10, 'HKQuantityTypeIdentifierBodyMass', 'weight', False),
    (10, 'HKQuantityTypeIdentifierRestingHeartRate', 'resting_heart_rate', False),
    (5, 'HKQuantityTypeIdentifierBodyFatPercentage', 'body_fat', False),
    (20, 'HKQuantityTypeIdentifierFlightsClimbed', None, True),
    (10, 'HKQuantityTypeIdentifierBasalEnergyBurned', None, True),
]

STAGES = [('HKCategoryValueSleepAnalysisInBed', 'in_bed'),
          ('HKCategoryValueSleepAnalysisAsleepUnspecified', 'asleep'),
          ('HKCategoryValueSleepAnalysisAsleepCore', 'light'),
          ('HKCategoryValueSleepAnalysisAsleepDeep', 'deep'),
          ('HKCategoryValueSleepAnalysisAsleepREM', 'rem'),
          ('HKCategoryValueSleepAnalysisAwake', 'awake')]


def fmt(dt):
    return dt.astimezone(TZ).strftime('%Y-%m-%d %H:%M:%S %z')


class Expect:
    def __init__(self):
        self.types = {}
        self.refusals = {'unit': 0, 'value': 0, 'date': 0, 'range': 0}
        self.records = 0
        self.skipped = 0
        self.ids = set()

    def keep(self, wire, value, at, key):
        t = self.types.setdefault(wire, {'count': 0, 'sum': 0.0, 'sum_recorded_at': 0})
        t['count'] += 1
        t['sum'] += value
        t['sum_recorded_at'] += int(at.timestamp())
        self.ids.add(key)


def record(out, exp, rng, apple, wire, at_end, start, source, bad=None):
    """Writes one top-level Record and accounts for it; returns its line and
    what a duplicate of it adds to the expectations (None if not kept)."""
    name, version, device = source
    seconds = {'heart_rate': 0, 'resting_heart_rate': 0, 'weight': 0, 'body_fat': 0,
               'steps': rng.randint(60, 600), 'distance': rng.randint(60, 600),
               'active_energy': rng.randint(60, 600), None: rng.randint(60, 600),
               'sleep': rng.randint(5, 180) * 60}[wire]
    end = start + timedelta(seconds=seconds)
    unit = None
    value = None
    canonical = None
    stage = None
    if wire in ('heart_rate', 'resting_heart_rate'):
        unit, value = 'count/min', str(rng.randint(45, 180) if wire == 'heart_rate' else rng.randint(45, 75))
        canonical = float(value)
    elif wire == 'steps':
        unit, value = 'count', str(rng.randint(0, 1500))
        canonical = float(value)
    elif wire == 'distance':
        if source is PHONE and rng.random() < 0.3:
            unit, value = 'mi', '%.6f' % rng.uniform(0, 0.6)
            canonical = float(value) * 1609.344
        else:
            unit, value = 'km', '%.6f' % rng.uniform(0, 1.0)
            canonical = float(value) * 1000
    elif wire == 'active_energy':
        if rng.random() < 0.2:
            unit, value = 'kJ', '%.3f' % rng.uniform(0, 200)
            canonical = float(value) * (1 / 4.184)
        else:
            unit, value = 'kcal', '%.3f' % rng.uniform(0, 50)
            canonical = float(value)
    elif wire == 'weight':
        if source is SCALE:
            unit, value = 'lb', '%.1f' % rng.uniform(140, 170)
            canonical = float(value) * 0.45359237
        else:
            unit, value = 'kg', '%.2f' % rng.uniform(63, 77)
            canonical = float(value)
    elif wire == 'body_fat':
        unit, value = '%', '%.3f' % rng.uniform(0.18, 0.30)
        canonical = float(value) * 100
    elif wire == 'sleep':
        value, stage = rng.choice(STAGES)
        canonical = seconds / 60.0
    else:
        unit, value = 'count', str(rng.randint(1, 40))

    start_s, end_s = fmt(start), fmt(end)
    if bad == 'unit':
        unit = 'furlong' if wire != 'sleep' else unit
    elif bad == 'value':
        value = 'n/a'
    elif bad == 'date':
        start_s = start_s.replace(' ', 'T', 1)[:16]  # "2024-03-31T02:30": no seconds, no offset
    elif bad == 'range':
        value = {'heart_rate': '400', 'resting_heart_rate': '5', 'steps': '250000', 'weight': '0.2',
                 'distance': '5000', 'active_energy': '-3', 'body_fat': '0.9'}[wire]

    exp.records += 1
    kept = None
    if wire is None:
        exp.skipped += 1
    elif bad is not None:
        exp.refusals[bad] += 1
    else:
        kept = (wire, canonical, end if at_end else start, (apple, name, start_s, end_s, value, unit))
        exp.keep(*kept)

    attrs = [('type', apple), ('sourceName', name), ('sourceVersion', version)]
    if device is not None:
        attrs.append(('device', device))
    if unit is not None:
        attrs.append(('unit', unit))
    attrs += [('creationDate', fmt(end + timedelta(seconds=rng.randint(1, 3600)))),
              ('startDate', start_s), ('endDate', end_s)]
    if value is not None:
        attrs.append(('value', value))
    line = ' <Record ' + ' '.join('%s="%s"' % a for a in attrs)
    if wire == 'heart_rate' and rng.random() < 0.1:
        line += '>\n  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n </Record>\n'
    else:
        line += '/>\n'
    out.write(line)
    return line, kept


def dst_instants():
    """Times on each side of every change of the clocks, 2021–2024, in UTC."""
    out = []
    for year in range(2021, 2025):
        for month in (3, 10):
            day = max(d for d in range(25, 32) if datetime(year, month, d).weekday() == 6)
            change = datetime(year, month, day, 1, 0, tzinfo=timezone.utc)
            for minutes in (-75, -30, -1, 0, 1, 30, 59, 60, 61, 90):
                out.append(change + timedelta(minutes=minutes))
    return out


def main():
    args = sys.argv[1:]
    seed, n = 1, 5000
    while args and args[0].startswith('--'):
        if args[0] == '--seed':
            seed = int(args[1])
        elif args[0] == '--records':
            n = int(args[1])
        args = args[2:]
    path = args[0]
    expect_path = args[1] if len(args) > 1 else None

    rng = random.Random(seed)
    exp = Expect()
    weights = [k[0] for k in KINDS]
    span = int((END - START).total_seconds())
    sources = {'heart_rate': [WATCH], 'resting_heart_rate': [WATCH], 'steps': [WATCH, PHONE],
               'distance': [WATCH, PHONE], 'active_energy': [WATCH], 'sleep': [WATCH, PHONE],
               'weight': [SCALE, PHONE], 'body_fat': [SCALE], None: [PHONE]}

    with open(path, 'w', encoding='utf-8') as out:
        out.write(HEADER)
        # The changes of the clocks, whatever n is
        fixed = dst_instants()
        kinds = [k for k in KINDS if k[2] is not None]
        for i, at in enumerate(fixed):
            _, apple, wire, at_end = kinds[i % len(kinds)]
            record(out, exp, rng, apple, wire, at_end, at, sources[wire][0])
        written = len(fixed)
        # A blood pressure correlation: its records repeat top-level ones
        out.write(' <Correlation type="HKCorrelationTypeIdentifierBloodPressure" sourceName="Withings" '
                  'creationDate="2023-06-01 08:01:00 +0200" startDate="2023-06-01 08:00:00 +0200" '
                  'endDate="2023-06-01 08:00:00 +0200">\n'
                  '  <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Withings" unit="count/min" '
                  'startDate="2023-06-01 08:00:00 +0200" endDate="2023-06-01 08:00:00 +0200" value="66"/>\n'
                  '  <Record type="HKQuantityTypeIdentifierBloodPressureSystolic" sourceName="Withings" '
                  'unit="mmHg" startDate="2023-06-01 08:00:00 +0200" endDate="2023-06-01 08:00:00 +0200" '
                  'value="121"/>\n </Correlation>\n')
        out.write(' <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="31.5" '
                  'durationUnit="min" sourceName="Anna’s Apple Watch" creationDate="2023-06-02 19:00:00 +0200" '
                  'startDate="2023-06-02 18:28:00 +0200" endDate="2023-06-02 19:00:00 +0200">\n'
                  '  <WorkoutEvent type="HKWorkoutEventTypeSegment" date="2023-06-02 18:28:00 +0200" '
                  'duration="10" durationUnit="min"/>\n </Workout>\n')

        last = None
        bad_kinds = ['unit', 'value', 'date', 'range']
        while written < n:
            r = rng.random()
            if last is not None and r < 0.01:
                # An exact duplicate, as exports from restored phones have
                out.write(last[0])
                exp.records += 1
                exp.keep(*last[1])
                written += 1
                continue
            _, apple, wire, at_end = rng.choices(KINDS, weights)[0]
            start = START + timedelta(seconds=rng.randrange(span))
            srcs = sources[wire]
            src = srcs[rng.randrange(len(srcs))]
            bad = None
            if wire is not None and wire != 'sleep' and r > 0.995:
                bad = bad_kinds[rng.randrange(4)]
            sub = rng.random()
            line, kept = record(out, exp, random.Random(sub), apple, wire, at_end, start, src, bad)
            written += 1
            if kept is not None:
                last = (line, kept)
                # The same sample (same times, same value) from a second
                # source: two points, two ids
                if len(srcs) > 1 and rng.random() < 0.02 and written < n:
                    other = srcs[1] if src is srcs[0] else srcs[0]
                    record(out, exp, random.Random(sub), apple, wire, at_end, start, other)
                    written += 1
        out.write('</HealthData>\n')

    if expect_path:
        with open(expect_path, 'w') as f:
            json.dump({'seed': seed, 'records': exp.records, 'skipped': exp.skipped,
                       'refused': exp.refusals, 'distinct_ids': len(exp.ids),
                       'types': exp.types}, f, indent=1, sort_keys=True)


if __name__ == '__main__':
    main()
