import Foundation

/// Reads the top-level members of a structured-mode CloudEvent in one pass: the string
/// attributes, and the byte range of `data`, which is left for ``CloudEvent/decodeData(_:)``.
///
/// Hand-written because `JSONDecoder` would scan the whole document once for the attributes and
/// again for the data, and that double scan was the largest cost per event in the runtime's
/// profile. It validates JSON syntax fully (nested values are skipped, not trusted).
struct JSONEnvelopeScanner {
    /// What the scan found.
    struct Envelope {
        var attributes: [String: String] = [:]
        /// Attribute present with a non-string value (named, for the error message).
        var nonString: String?
        var dataRange: Range<Int>?
    }

    enum Failure: Error {
        case syntax
        case notAnObject
    }

    /// The attributes we read; others are skipped.
    static let attributeNames: Set<String> = ["specversion", "id", "source", "type", "time", "subject", "datacontenttype"]

    static func scan(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> Envelope {
        var reader = Reader(bytes: bytes)
        reader.skipWhitespace()
        guard reader.peek() == UInt8(ascii: "{") else {
            // Valid JSON that is not an object, or not JSON at all.
            if reader.isAtEnd { throw .syntax }
            try reader.skipValue()
            reader.skipWhitespace()
            guard reader.isAtEnd else { throw .syntax }
            throw .notAnObject
        }
        reader.index += 1
        var envelope = Envelope()
        reader.skipWhitespace()
        if reader.peek() == UInt8(ascii: "}") {
            reader.index += 1
        } else {
            while true {
                reader.skipWhitespace()
                let key = try reader.readString()
                reader.skipWhitespace()
                guard reader.peek() == UInt8(ascii: ":") else { throw .syntax }
                reader.index += 1
                reader.skipWhitespace()
                if key == "data" {
                    let start = reader.index
                    if reader.peek() == UInt8(ascii: "n") {
                        try reader.skipValue()  // null: no data
                    } else {
                        try reader.skipValue()
                        envelope.dataRange = start..<reader.index
                    }
                } else if attributeNames.contains(key) {
                    switch reader.peek() {
                    case UInt8(ascii: "\""): envelope.attributes[key] = try reader.readString()
                    case UInt8(ascii: "n"): try reader.skipValue()
                    default:
                        try reader.skipValue()
                        if envelope.nonString == nil { envelope.nonString = key }
                    }
                } else {
                    try reader.skipValue()
                }
                reader.skipWhitespace()
                guard let next = reader.next() else { throw .syntax }
                if next == UInt8(ascii: "}") { break }
                guard next == UInt8(ascii: ",") else { throw .syntax }
            }
        }
        reader.skipWhitespace()
        guard reader.isAtEnd else { throw .syntax }
        return envelope
    }

    /// A cursor over the bytes with the few JSON rules we need.
    struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        var isAtEnd: Bool { index >= bytes.count }
        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }
        mutating func next() -> UInt8? {
            guard index < bytes.count else { return nil }
            defer { index += 1 }
            return bytes[index]
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        /// Reads a string token, decoding escapes.
        mutating func readString() throws(Failure) -> String {
            guard next() == UInt8(ascii: "\"") else { throw .syntax }
            let start = index
            var escaped = false
            while true {
                guard let byte = next() else { throw .syntax }
                if byte == UInt8(ascii: "\"") { break }
                if byte == UInt8(ascii: "\\") {
                    escaped = true
                    guard next() != nil else { throw .syntax }
                } else if byte < 0x20 {
                    throw .syntax
                }
            }
            let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<(index - 1)])
            if !escaped { return String(decoding: raw, as: UTF8.self) }
            return try Self.unescape(raw)
        }

        private static func unescape(_ raw: UnsafeRawBufferPointer) throws(Failure) -> String {
            var output: [UInt8] = []
            output.reserveCapacity(raw.count)
            var index = 0
            func hex4(_ at: Int) throws(Failure) -> UInt32 {
                guard at + 4 <= raw.count else { throw .syntax }
                var value: UInt32 = 0
                for offset in 0..<4 {
                    let c = raw[at + offset]
                    let digit: UInt8
                    switch c {
                    case 48...57: digit = c - 48
                    case 65...70: digit = c - 55
                    case 97...102: digit = c - 87
                    default: throw .syntax
                    }
                    value = value << 4 | UInt32(digit)
                }
                return value
            }
            while index < raw.count {
                let byte = raw[index]
                guard byte == UInt8(ascii: "\\") else {
                    output.append(byte)
                    index += 1
                    continue
                }
                let kind = raw[index + 1]
                index += 2
                switch kind {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(kind)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4(index)
                    index += 4
                    if (0xD800..<0xDC00).contains(scalar), index + 6 <= raw.count, raw[index] == UInt8(ascii: "\\"), raw[index + 1] == UInt8(ascii: "u") {
                        let low = try hex4(index + 2)
                        if (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            index += 6
                        }
                    }
                    output.append(contentsOf: String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
                default:
                    throw .syntax
                }
            }
            return String(decoding: output, as: UTF8.self)
        }

        /// Skips one JSON value of any kind, checking its syntax.
        mutating func skipValue() throws(Failure) {
            skipWhitespace()
            guard let byte = peek() else { throw .syntax }
            switch byte {
            case UInt8(ascii: "\""):
                _ = try skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                try skipContainer()
            case UInt8(ascii: "t"): try expect("true")
            case UInt8(ascii: "f"): try expect("false")
            case UInt8(ascii: "n"): try expect("null")
            case UInt8(ascii: "-"), 48...57: try skipNumber()
            default: throw .syntax
            }
        }

        private mutating func skipString() throws(Failure) {
            index += 1
            while true {
                guard let byte = next() else { throw .syntax }
                if byte == UInt8(ascii: "\"") { return }
                if byte == UInt8(ascii: "\\") { guard next() != nil else { throw .syntax } }
                else if byte < 0x20 { throw .syntax }
            }
        }

        private mutating func skipContainer() throws(Failure) {
            let isObject = next() == UInt8(ascii: "{")
            let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            skipWhitespace()
            if peek() == close { index += 1; return }
            while true {
                skipWhitespace()
                if isObject {
                    guard peek() == UInt8(ascii: "\"") else { throw .syntax }
                    try skipString()
                    skipWhitespace()
                    guard next() == UInt8(ascii: ":") else { throw .syntax }
                }
                try skipValue()
                skipWhitespace()
                guard let separator = next() else { throw .syntax }
                if separator == close { return }
                guard separator == UInt8(ascii: ",") else { throw .syntax }
            }
        }

        private mutating func expect(_ word: StaticString) throws(Failure) {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw .syntax }
            let pointer = word.utf8Start
            for offset in 0..<count where bytes[index + offset] != pointer[offset] { throw .syntax }
            index += count
        }

        private mutating func skipNumber() throws(Failure) {
            let start = index
            if peek() == UInt8(ascii: "-") { index += 1 }
            var digits = 0
            while let byte = peek(), (48...57).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
                || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") {
                index += 1
                digits += 1
            }
            if digits == 0 || index == start { throw .syntax }
        }
    }
}
