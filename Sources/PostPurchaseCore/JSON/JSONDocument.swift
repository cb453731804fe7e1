import Foundation

/// A JSON text parsed once into a flat array of nodes that point into its bytes.
///
/// The base of ``FastJSONDecoder``: parsing builds no strings, dictionaries or arrays of values,
/// only one small node per JSON value, and a value is turned into a Swift value only when a
/// `Decodable` asks for it. The grammar is RFC 8259's, checked fully (a malformed text fails
/// as a whole, as with `JSONDecoder`).
final class JSONDocument {
    enum Kind: UInt8 {
        case object, array, string, escapedString, number, `true`, `false`, null
    }

    /// One value. Strings span their content (without quotes); containers hold their members as
    /// the nodes that follow (an object's as key, value, key, value…); `next` is the index of the
    /// node after the whole value, so a member is skipped in one step.
    struct Node {
        var kind: Kind
        var start: Int32
        var end: Int32
        var count: Int32
        var next: Int32
    }

    /// Why a text is not JSON (the byte offset where it went wrong).
    struct SyntaxError: Error, CustomStringConvertible {
        var offset: Int
        var problem: String
        var description: String { "\(problem) at byte \(offset)" }
    }

    let bytes: [UInt8]
    // Unchecked exclusivity: written only while parsing, by the parser the initialiser owns; the
    // runtime's dynamic check on every node cost more than the node itself.
    @exclusivity(unchecked) private(set) var nodes: [Node] = []
    /// Deeper nesting is refused rather than risking the stack on hostile input.
    static let maximumDepth = 256

    init(_ data: Data) throws(SyntaxError) {
        bytes = [UInt8](data)
        nodes.reserveCapacity(max(8, bytes.count / 12))
        var parser = Parser(document: self)
        try parser.parseDocument()
    }

    // MARK: - Reading values

    func node(_ index: Int) -> Node { nodes[index] }

    /// The text of a string node (escapes resolved).
    func string(_ index: Int) -> String {
        let node = nodes[index]
        return bytes.withUnsafeBufferPointer { buffer in
            let content = UnsafeBufferPointer(rebasing: buffer[Int(node.start)..<Int(node.end)])
            if node.kind == .string { return String(decoding: content, as: UTF8.self) }
            return Self.unescape(content)
        }
    }

    /// Whether string node `index` equals `key`; with `snakeCase`, whether it is `key` written in
    /// snake case (`tracking_number` for `trackingNumber`), as `JSONDecoder`'s `convertFromSnakeCase`
    /// would match it.
    func stringEquals(_ index: Int, _ key: String, snakeCase: Bool) -> Bool {
        let node = nodes[index]
        var key = key
        return key.withUTF8 { keyBytes in
            bytes.withUnsafeBufferPointer { buffer in
                let start = Int(node.start), end = Int(node.end)
                if node.kind == .escapedString {
                    return Self.unescape(UnsafeBufferPointer(rebasing: buffer[start..<end])) == String(decoding: keyBytes, as: UTF8.self)
                }
                if !snakeCase {
                    guard end - start == keyBytes.count else { return false }
                    return memcmp(buffer.baseAddress! + start, keyBytes.baseAddress!, keyBytes.count) == 0
                }
                // Leading and trailing underscores stay; `_x` inside becomes `X` (lower-case names, as
                // providers send them; `JSONDecoder` would also lower-case the rest of each word).
                var i = start, k = 0, started = false
                var last = end
                while last > start, buffer[last - 1] == UInt8(ascii: "_") { last -= 1 }
                while i < end {
                    var byte = buffer[i]
                    if byte == UInt8(ascii: "_"), started, i < last {
                        while buffer[i] == UInt8(ascii: "_") { i += 1 }
                        byte = buffer[i]
                        if byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") { byte -= 32 }
                    }
                    guard k < keyBytes.count, keyBytes[k] == byte else { return false }
                    if byte != UInt8(ascii: "_") { started = true }
                    i += 1
                    k += 1
                }
                return k == keyBytes.count
            }
        }
    }

    /// The text of a number node.
    func numberText(_ index: Int) -> Substring {
        let node = nodes[index]
        return Substring(decoding: bytes[Int(node.start)..<Int(node.end)], as: UTF8.self)
    }

    /// A number node as an integer, when it is one (also `2.0` or `1e3`, as `JSONDecoder` accepts).
    func integer(_ index: Int) -> Int64? {
        let node = nodes[index]
        var i = Int(node.start)
        let end = Int(node.end)
        var negative = false
        if bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var value: Int64 = 0
        while i < end {
            let byte = bytes[i]
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else {
                // Fraction or exponent: exact integral values only.
                guard let double = Double(numberText(index)), double.rounded() == double,
                      let exact = Int64(exactly: double) else { return nil }
                return exact
            }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = negative
                ? times.subtractingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
                : times.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            value = sum
            i += 1
        }
        return value
    }

    private static func unescape(_ content: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(content.count)
        var i = 0
        func hex4(_ at: Int) -> UInt32 {
            var value: UInt32 = 0
            for offset in 0..<4 {
                let byte = content[at + offset]
                let digit: UInt8 = switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
                default: byte - UInt8(ascii: "A") + 10
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        func append(_ scalar: UInt32) {
            let scalar = Unicode.Scalar(scalar) ?? "\u{FFFD}"
            out.append(contentsOf: UTF8.encode(scalar)!)
        }
        while i < content.count {
            let byte = content[i]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                i += 1
                continue
            }
            let escape = content[i + 1]
            i += 2
            switch escape {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                var scalar = hex4(i)
                i += 4
                // A surrogate pair is one character; a lone surrogate becomes U+FFFD.
                if scalar >= 0xD800 && scalar < 0xDC00, i + 6 <= content.count,
                   content[i] == UInt8(ascii: "\\"), content[i + 1] == UInt8(ascii: "u") {
                    let low = hex4(i + 2)
                    if low >= 0xDC00 && low < 0xE000 {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                append(scalar)
            default: out.append(escape)  // " \ /
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Parsing

    private struct Parser {
        let document: JSONDocument
        var index = 0

        init(document: JSONDocument) {
            self.document = document
        }

        private var bytes: [UInt8] { document.bytes }

        private func fail(_ problem: String) -> SyntaxError { SyntaxError(offset: index, problem: problem) }

        mutating func parseDocument() throws(SyntaxError) {
            skipWhitespace()
            guard index < bytes.count else { throw fail("empty text") }
            try parseValue(depth: 0)
            skipWhitespace()
            guard index == bytes.count else { throw fail("unexpected text after the value") }
        }

        private mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }

        private mutating func append(_ kind: Kind, start: Int, end: Int) -> Int {
            document.nodes.append(Node(kind: kind, start: Int32(start), end: Int32(end), count: 0, next: Int32(document.nodes.count + 1)))
            return document.nodes.count - 1
        }

        private mutating func parseValue(depth: Int) throws(SyntaxError) {
            guard index < bytes.count else { throw fail("unexpected end") }
            switch bytes[index] {
            case UInt8(ascii: "{"): try parseContainer(object: true, depth: depth)
            case UInt8(ascii: "["): try parseContainer(object: false, depth: depth)
            case UInt8(ascii: "\""): try parseString()
            case UInt8(ascii: "t"): try parseLiteral("true", .true)
            case UInt8(ascii: "f"): try parseLiteral("false", .false)
            case UInt8(ascii: "n"): try parseLiteral("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber()
            default: throw fail("unexpected character")
            }
        }

        private mutating func parseContainer(object: Bool, depth: Int) throws(SyntaxError) {
            guard depth < JSONDocument.maximumDepth else { throw fail("nested too deeply") }
            let close = object ? UInt8(ascii: "}") : UInt8(ascii: "]")
            let start = index
            let node = append(object ? .object : .array, start: start, end: start)
            index += 1
            var count: Int32 = 0
            skipWhitespace()
            if index < bytes.count, bytes[index] == close {
                index += 1
            } else {
                while true {
                    skipWhitespace()
                    if object {
                        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
                        try parseString()
                        skipWhitespace()
                        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                        index += 1
                        skipWhitespace()
                    }
                    try parseValue(depth: depth + 1)
                    count += 1
                    skipWhitespace()
                    guard index < bytes.count else { throw fail("unexpected end") }
                    let byte = bytes[index]
                    index += 1
                    if byte == close { break }
                    guard byte == UInt8(ascii: ",") else { throw fail("expected ',' or the end of the container") }
                }
            }
            document.nodes[node].count = count
            document.nodes[node].end = Int32(index)
            document.nodes[node].next = Int32(document.nodes.count)
        }

        private mutating func parseString() throws(SyntaxError) {
            index += 1
            let start = index
            var escaped = false
            var ascii = true
            while true {
                guard index < bytes.count else { throw fail("unterminated string") }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") { break }
                if byte < 0x20 { throw fail("control character in a string") }
                if byte >= 0x80 { ascii = false }
                if byte == UInt8(ascii: "\\") {
                    escaped = true
                    guard index + 1 < bytes.count else { throw fail("unterminated string") }
                    switch bytes[index + 1] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                         UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        index += 2
                    case UInt8(ascii: "u"):
                        guard index + 6 <= bytes.count else { throw fail("unterminated escape") }
                        for offset in 2..<6 where !bytes[index + offset].isHexDigit { throw fail("invalid \\u escape") }
                        index += 6
                    default:
                        throw fail("invalid escape")
                    }
                    continue
                }
                index += 1
            }
            if !ascii {
                let valid = bytes.withUnsafeBufferPointer { buffer in
                    String(validating: UnsafeBufferPointer(rebasing: buffer[start..<index]), as: UTF8.self) != nil
                }
                guard valid else { throw fail("string is not valid UTF-8") }
            }
            _ = append(escaped ? .escapedString : .string, start: start, end: index)
            index += 1
        }

        private mutating func parseLiteral(_ text: StaticString, _ kind: Kind) throws(SyntaxError) {
            let length = text.utf8CodeUnitCount
            guard index + length <= bytes.count,
                  memcmp(text.utf8Start, bytes.withUnsafeBufferPointer { $0.baseAddress! + index }, length) == 0
            else { throw fail("invalid literal") }
            _ = append(kind, start: index, end: index + length)
            index += length
        }

        private mutating func parseNumber() throws(SyntaxError) {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, bytes[index].isDigit else { throw fail("invalid number") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                while index < bytes.count, bytes[index].isDigit { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard index < bytes.count, bytes[index].isDigit else { throw fail("invalid number") }
                while index < bytes.count, bytes[index].isDigit { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard index < bytes.count, bytes[index].isDigit else { throw fail("invalid number") }
                while index < bytes.count, bytes[index].isDigit { index += 1 }
            }
            _ = append(.number, start: start, end: index)
        }
    }
}

private extension UInt8 {
    var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    var isHexDigit: Bool {
        isDigit || (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "f")) || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "F"))
    }
}
