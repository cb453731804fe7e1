#!/usr/bin/env python3
"""Self-check for the event contract v1 JSON Schemas in this directory.

Usage: python3 Config/schemas/check.py [-v] [SCHEMA_DIR]

Checks that every schema is a valid draft 2020-12 schema with the expected
$schema/$id, that every property is documented, that unknown fields stay
allowed, that all $refs resolve, that every `examples` entry validates (and
that dropping a required field makes it invalid), and that index.json lists
exactly the event schemas present. Prints one line per failure naming the file
and the failing path, and ends with "N passed, M failed". Exit status is 0 only
when nothing failed.

Needs Python 3.8+ and `jsonschema` (>= 4.18, which brings `referencing`).
"""

import copy
import json
import os
import sys

BASE = "https://postpurchase.dev/schemas/v1/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
SUPPORT_FILES = {"defs.json", "cloudevent.json", "index.json"}
TOPICS = {
    "orders", "carrier-events", "shipment-updates", "notifications",
    "return-updates", "loyalty-updates", "dead-letters",
}
KEYS = {"orderId", "customerId", "trackingNumber", "original"}
DIRECTIONS = {"input", "output"}
DLQ_HEADERS = ["dlq-error", "dlq-worker", "dlq-topic", "dlq-partition", "dlq-offset"]


class Report:
    def __init__(self, verbose):
        self.verbose = verbose
        self.passed = 0
        self.failed = 0

    def check(self, label, fn):
        """Run fn(); it returns a list of problem strings (empty means pass)."""
        try:
            problems = fn() or []
        except Exception as exc:  # a crash in a check is a failure of that check
            text = str(exc).splitlines()[0] if str(exc) else ""
            if len(text) > 200:
                text = text[:200] + "..."
            problems = [f"{type(exc).__name__}: {text}"]
        if problems:
            self.failed += 1
            for p in problems:
                print(f"FAIL {label}: {p}")
        else:
            self.passed += 1
            if self.verbose:
                print(f"ok   {label}")

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0


def ptr(parts):
    """JSON-pointer-like rendering of a path inside a document."""
    return "/" + "/".join(str(p) for p in parts) if parts else "/"


def walk(node, path=()):
    """Yield (path, dict) for every object in a JSON document."""
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from walk(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, path + (i,))


def is_schema_position(path):
    """False for paths inside `examples`, `const` or `enum` values (data, not schema)."""
    return not any(p in ("examples", "const", "enum", "default") for p in path if isinstance(p, str))


def error_lines(errors, what):
    out = []
    for e in sorted(errors, key=lambda e: list(e.absolute_path)):
        out.append(f"{what} at {e.json_path}: {e.message}")
    return out


def main(argv):
    verbose = "-v" in argv
    args = [a for a in argv if a != "-v"]
    schema_dir = os.path.abspath(args[0] if args else os.path.dirname(os.path.abspath(__file__)))
    report = Report(verbose)

    try:
        from jsonschema import Draft202012Validator, FormatChecker
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012
    except ImportError as exc:
        print(f"FAIL setup: cannot import jsonschema/referencing ({exc}); run: pip install 'jsonschema>=4.18'")
        report.failed += 1
        return report.finish()

    # 1. every *.json parses -------------------------------------------------
    docs = {}
    names = sorted(n for n in os.listdir(schema_dir) if n.endswith(".json"))
    if not names:
        print(f"FAIL {schema_dir}: no *.json files found")
        report.failed += 1
        return report.finish()
    for name in names:
        def parse(name=name):
            with open(os.path.join(schema_dir, name), encoding="utf-8") as f:
                try:
                    docs[name] = json.load(f)
                except json.JSONDecodeError as exc:
                    return [f"not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}"]
            if not isinstance(docs[name], dict):
                return ["top level is not a JSON object"]
            return []
        report.check(f"{name} [parse]", parse)

    schema_names = [n for n in names if n in docs and n != "index.json"]
    event_names = [n for n in schema_names if n not in SUPPORT_FILES]

    # 2. registry of all schemas, addressed by $id ---------------------------
    resources = []
    for n in schema_names:
        resources.append((docs[n].get("$id", BASE + n), Resource.from_contents(docs[n], default_specification=DRAFT202012)))
    registry = Registry().with_resources(resources)
    format_checker = FormatChecker()

    def validator_for(name):
        return Draft202012Validator(docs[name], registry=registry, format_checker=format_checker)

    # 3. per-schema structural checks ----------------------------------------
    for name in schema_names:
        doc = docs[name]

        def meta(name=name, doc=doc):
            problems = []
            if doc.get("$schema") != DRAFT:
                problems.append(f"$schema at /$schema is {doc.get('$schema')!r}, expected {DRAFT!r}")
            if doc.get("$id") != BASE + name:
                problems.append(f"$id at /$id is {doc.get('$id')!r}, expected {BASE + name!r}")
            errors = Draft202012Validator(Draft202012Validator.META_SCHEMA).iter_errors(doc)
            problems += error_lines(errors, "not a valid draft 2020-12 schema")
            return problems
        report.check(f"{name} [draft 2020-12 schema]", meta)

        def described(name=name, doc=doc):
            problems = []
            for path, node in walk(doc):
                # if/then/else/not only refine properties declared elsewhere (e.g. the
                # envelope's type -> data dispatch), so they need no descriptions.
                if not is_schema_position(path) or any(p in ("if", "then", "else", "not") for p in path):
                    continue
                props = node.get("properties")
                if isinstance(props, dict) and path[-1:] != ("properties",):
                    for prop, sub in props.items():
                        if not (isinstance(sub, dict) and isinstance(sub.get("description"), str) and sub["description"].strip()):
                            problems.append(f"property without description at {ptr(path + ('properties', prop))}")
            return problems
        report.check(f"{name} [every property has a description]", described)

        def open_objects(name=name, doc=doc):
            # Contract: unknown fields are ignored, so schemas must not forbid them.
            return [f"forbids unknown fields at {ptr(path)}"
                    for path, node in walk(doc)
                    if is_schema_position(path)
                    and (node.get("additionalProperties") is False or node.get("unevaluatedProperties") is False)]
        report.check(f"{name} [unknown fields allowed]", open_objects)

        def refs_resolve(name=name, doc=doc):
            problems = []
            resolver = registry.resolver(base_uri=doc.get("$id", BASE + name))
            for path, node in walk(doc):
                if is_schema_position(path) and isinstance(node.get("$ref"), str):
                    try:
                        resolver.lookup(node["$ref"])
                    except Exception as exc:
                        problems.append(f"$ref {node['$ref']!r} at {ptr(path)} does not resolve ({type(exc).__name__})")
            return problems
        report.check(f"{name} [all $refs resolve]", refs_resolve)

    # 4. examples validate ----------------------------------------------------
    for name in schema_names:
        doc = docs[name]
        if name != "defs.json":
            def has_examples(doc=doc):
                ex = doc.get("examples")
                return [] if isinstance(ex, list) and ex else ["no `examples` array at /examples"]
            report.check(f"{name} [has examples]", has_examples)
        for i, example in enumerate(doc.get("examples") or []):
            def valid(name=name, example=example, i=i):
                return error_lines(validator_for(name).iter_errors(example), f"examples[{i}] invalid")
            report.check(f"{name} [examples[{i}] validates]", valid)
        for def_name, sub in (doc.get("$defs") or {}).items():
            for i, example in enumerate(sub.get("examples") or []):
                def def_valid(name=name, def_name=def_name, example=example, i=i):
                    v = Draft202012Validator({"$ref": f"{BASE}{name}#/$defs/{def_name}"},
                                             registry=registry, format_checker=format_checker)
                    return error_lines(v.iter_errors(example), f"$defs/{def_name}/examples[{i}] invalid")
                report.check(f"{name} [$defs/{def_name} examples[{i}] validates]", def_valid)

    # 5. required fields are enforced, unknown fields tolerated ---------------
    for name in event_names:
        doc = docs[name]
        examples = doc.get("examples") or []
        if not examples or not isinstance(examples[0], dict):
            continue
        example = examples[0]

        def required_enforced(name=name, doc=doc, example=example):
            problems = []
            v = validator_for(name)
            for field in doc.get("required", []):
                broken = copy.deepcopy(example)
                if field not in broken:
                    problems.append(f"examples[0] lacks required field at /{field}")
                    continue
                del broken[field]
                if v.is_valid(broken):
                    problems.append(f"examples[0] without required /{field} still validates")
            return problems
        report.check(f"{name} [required fields enforced]", required_enforced)

        def unknown_ok(name=name, example=example):
            extended = dict(example, xUnknownFieldForCompatibilityCheck={"any": ["thing", 1]})
            return error_lines(validator_for(name).iter_errors(extended), "example plus an unknown field rejected")
        report.check(f"{name} [extra field accepted]", unknown_ok)

    # 6. shared definitions reject what the contract forbids ------------------
    if "defs.json" in docs:
        negatives = [
            ("Money", {"amount": -1, "currency": "SAR"}, "negative amount"),
            ("Money", {"amount": 129.99, "currency": "SAR"}, "decimal amount"),
            ("Money", {"amount": 12999, "currency": "sar"}, "lower-case currency"),
            ("Money", {"amount": 12999}, "missing currency"),
            ("DateTime", "2025-03-10T14:22:05", "date-time without offset"),
            ("DateTime", "2025-03-10", "date only"),
            ("Locale", "ar_SA", "locale with underscore"),
            ("ShipmentStatus", "shipped", "non-canonical status"),
        ]
        for def_name, value, what in negatives:
            def rejects(def_name=def_name, value=value, what=what):
                v = Draft202012Validator({"$ref": f"{BASE}defs.json#/$defs/{def_name}"},
                                         registry=registry, format_checker=format_checker)
                return [] if not v.is_valid(value) else [f"$defs/{def_name} accepts {what}: {json.dumps(value)}"]
            report.check(f"defs.json [$defs/{def_name} rejects {what}]", rejects)

    # 7. index.json matches the files -----------------------------------------
    index = docs.get("index.json")
    if index is None:
        print("FAIL index.json: missing")
        report.failed += 1
        return report.finish()

    topics = index.get("topics") if isinstance(index.get("topics"), dict) else {}

    def index_shape():
        problems = []
        if index.get("version") != "1":
            problems.append(f"/version is {index.get('version')!r}, expected '1'")
        if set(topics) != TOPICS:
            missing, extra = sorted(TOPICS - set(topics)), sorted(set(topics) - TOPICS)
            problems.append(f"/topics: missing {missing}, unexpected {extra}")
        for topic, entry in topics.items():
            if not isinstance(entry, dict):
                problems.append(f"/topics/{topic} is not an object")
                continue
            if entry.get("key") not in KEYS:
                problems.append(f"/topics/{topic}/key is {entry.get('key')!r}, expected one of {sorted(KEYS)}")
            if entry.get("direction") not in DIRECTIONS:
                problems.append(f"/topics/{topic}/direction is {entry.get('direction')!r}, expected input or output")
            if not isinstance(entry.get("types"), list):
                problems.append(f"/topics/{topic}/types is not an array")
        return problems
    report.check("index.json [shape: version, 7 topics, key, direction, types]", index_shape)

    def index_matches_files():
        problems = []
        listed = []
        for topic, entry in topics.items():
            for t in (entry.get("types") or []) if isinstance(entry, dict) else []:
                listed.append((topic, t))
        seen = {}
        for topic, t in listed:
            if t in seen:
                problems.append(f"type {t!r} listed twice (/topics/{seen[t]} and /topics/{topic})")
            seen[t] = topic
        files = {n[:-len(".json")] for n in event_names}
        for t in sorted(set(seen) - files):
            problems.append(f"/topics/{seen[t]}/types lists {t!r} but {t}.json does not exist")
        for t in sorted(files - set(seen)):
            problems.append(f"{t}.json exists but no /topics/*/types lists {t!r}")
        return problems
    report.check("index.json [lists exactly the event schema files]", index_matches_files)

    def dead_letters():
        entry = topics.get("dead-letters") or {}
        problems = []
        if entry.get("headers") != DLQ_HEADERS:
            problems.append(f"/topics/dead-letters/headers is {entry.get('headers')!r}, expected {DLQ_HEADERS}")
        if entry.get("key") != "original":
            problems.append(f"/topics/dead-letters/key is {entry.get('key')!r}, expected 'original'")
        return problems
    report.check("index.json [dead-letter headers]", dead_letters)

    # 8. the envelope dispatches every indexed type to its data schema --------
    if "cloudevent.json" in docs:
        def envelope_dispatch():
            dispatched = set()
            for path, node in walk(docs["cloudevent.json"].get("allOf", [])):
                type_const = node.get("if", {}).get("properties", {}).get("type", {}).get("const") if "if" in node else None
                if type_const is not None:
                    target = node.get("then", {}).get("properties", {}).get("data", {}).get("$ref")
                    if target != f"{type_const}.json":
                        return [f"allOf{ptr(path)}: type {type_const!r} dispatches to {target!r}"]
                    dispatched.add(type_const)
            files = {n[:-len(".json")] for n in event_names}
            problems = [f"/allOf has no data dispatch for type {t!r}" for t in sorted(files - dispatched)]
            problems += [f"/allOf dispatches {t!r} but {t}.json does not exist" for t in sorted(dispatched - files)]
            return problems
        report.check("cloudevent.json [dispatches every event type to its data schema]", envelope_dispatch)

        for name in event_names:
            doc = docs[name]
            if not doc.get("examples"):
                continue

            def wrapped(name=name, doc=doc):
                event = {"specversion": "1.0", "id": f"check-{name}", "source": "/check", "type": name[:-len(".json")],
                         "time": "2025-03-10T14:22:05+03:00", "data": doc["examples"][0]}
                problems = error_lines(validator_for("cloudevent.json").iter_errors(event), "example wrapped in envelope invalid")
                broken = dict(event, data={})
                if doc.get("required") and validator_for("cloudevent.json").is_valid(broken):
                    problems.append("envelope with empty data still validates at /data")
                return problems
            report.check(f"cloudevent.json [{name[:-len('.json')]} event validates]", wrapped)

    return report.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
