import Foundation
import PostPurchaseCore

/// Validates emitted events against the contract's JSON Schemas in `Config/schemas/`, with
/// Python's `jsonschema` (installed by `scripts/setup.sh`, which `make test` runs): the same
/// validator `Config/schemas/check.py` uses, so there is one reading of the schemas.
public enum ContractSchemaCheck {
    /// `Config/schemas` of this checkout.
    public static let schemasDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Config/schemas").path

    private static let validator = """
        import json, pathlib, sys
        from jsonschema import Draft202012Validator, FormatChecker
        from referencing import Registry, Resource
        d = pathlib.Path(sys.argv[1])
        schemas = {p.name: json.loads(p.read_text()) for p in d.glob("*.json") if p.name != "index.json"}
        registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
        v = Draft202012Validator(schemas["cloudevent.json"], registry=registry, format_checker=FormatChecker())
        bad = 0
        for line in sys.stdin:
            event = json.loads(line)
            if event["type"] + ".json" not in schemas:
                print("no schema for", event["type"]); bad += 1
            for e in v.iter_errors(event):
                print(event["type"], e.json_path, e.message); bad += 1
        sys.exit(1 if bad else 0)
        """

    /// Every problem found in `events` (structured mode, as the workers emit them), one per line;
    /// empty when all validate. A missing `python3` or `jsonschema` is reported as a problem, so a
    /// machine without them fails the check instead of skipping it.
    public static func problems(in events: [OutgoingEvent]) throws -> String {
        let lines = try events.map { String(decoding: try CloudEventCodec.encodeStructured($0), as: UTF8.self) }.joined(separator: "\n")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", validator, schemasDirectory]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(lines.utf8))
        try input.fileHandleForWriting.close()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus == 0 { return "" }
        return report.isEmpty ? "validator exited with \(process.terminationStatus)" : report
    }
}
