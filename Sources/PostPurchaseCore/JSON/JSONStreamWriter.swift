import Foundation

/// The byte buffer and open containers behind ``FastJSONEncoder``.
///
/// Containers are a stack of frames. A container writes a member only while its frame is open;
/// writing one first closes every deeper frame (the previous member's nested values are done).
/// A container whose frame was already closed cannot write any more: that is the out-of-order use
/// a stream cannot represent, and the encoder falls back to Foundation for that value.
final class JSONStreamWriter {
    /// A container was written to after a later sibling started.
    struct OutOfOrder: Error {}

    // Unchecked exclusivity: one encode owns a writer and never overlaps its own accesses, and the
    // runtime's dynamic check on every append cost ~5 % of a tracking event's CPU.
    @exclusivity(unchecked) private(set) var bytes: [UInt8] = []
    private struct Frame {
        var id: Int
        var isObject: Bool
        var count: Int
    }

    @exclusivity(unchecked) private var frames: [Frame] = []
    @exclusivity(unchecked) private var nextId = 0
    /// Set by the non-throwing `Encoder` calls that met out-of-order use.
    @exclusivity(unchecked) var failed = false

    init() {
        bytes.reserveCapacity(512)
    }

    /// Closes what is still open (out-of-order use is reported through ``failed``).
    func finish() {
        while !frames.isEmpty { closeTop() }
    }

    private func closeTop() {
        let frame = frames.removeLast()
        bytes.append(frame.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
    }

    // MARK: - Containers

    /// Opens a container at `level` (the number of frames open when its value started).
    func open(object: Bool, level: Int) -> (level: Int, id: Int) {
        if frames.count != level { failed = true }
        while frames.count > level { closeTop() }
        nextId += 1
        frames.append(Frame(id: nextId, isObject: object, count: 0))
        bytes.append(object ? UInt8(ascii: "{") : UInt8(ascii: "["))
        return (frames.count - 1, nextId)
    }

    func isOpen(level: Int, id: Int) -> Bool { frames.count > level && frames[level].id == id }

    func count(level: Int, id: Int) -> Int { isOpen(level: level, id: id) ? frames[level].count : 0 }

    /// Starts the next member of the container `(level, id)`: closes deeper frames, writes the
    /// separator and, in an object, the key.
    func beginMember(level: Int, id: Int, key: String?) throws {
        guard isOpen(level: level, id: id) else {
            failed = true
            throw OutOfOrder()
        }
        while frames.count > level + 1 { closeTop() }
        if frames[level].count > 0 { bytes.append(UInt8(ascii: ",")) }
        frames[level].count += 1
        if let key {
            writeString(key)
            bytes.append(UInt8(ascii: ":"))
        }
    }

    // MARK: - Values

    /// Writes `value` as the value starting now, at `level` open frames.
    func writeValue<T: Encodable>(_ value: T, level: Int, path: @autoclosure () -> JSONCodingPath) throws {
        // The common leaves directly (type checks, folded away when `T` is known).
        if T.self == String.self { return writeString(value as! String) }
        if T.self == Int.self { return writeInteger(value as! Int) }
        if T.self == Bool.self { return writeLiteral((value as! Bool) ? "true" : "false") }
        if T.self == Double.self { return try writeDouble(value as! Double, path()) }
        if T.self == Date.self { return writeString(RFC3339.format(value as! Date)) }
        if T.self == Data.self { return writeString((value as! Data).base64EncodedString()) }
        if T.self == URL.self { return writeString((value as! URL).absoluteString) }
        if T.self == Decimal.self { return writeLiteral((value as! Decimal).description) }
        let start = bytes.count
        try value.encode(to: JSONStreamEncoder(writer: self, level: level, path: path()))
        if failed { throw OutOfOrder() }
        while frames.count > level { closeTop() }
        // A value that wrote nothing is an empty object, as with Foundation.
        if bytes.count == start { writeLiteral("{}") }
    }

    func writeLiteral(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    func writeLiteral(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    func writeInteger<I: FixedWidthInteger>(_ value: I) {
        if value >= 0 && value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
    }

    func writeDouble(_ value: Double, _ path: @autoclosure () -> JSONCodingPath) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: path().keys, debugDescription: "Unable to encode \(value) directly in JSON."))
        }
        // Whole numbers as integers (`12`, not `12.0`), as Foundation writes them.
        if value.rounded() == value, abs(value) < 1e15 {
            writeInteger(Int64(value))
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    func writeFloat(_ value: Float, _ path: @autoclosure () -> JSONCodingPath) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: path().keys, debugDescription: "Unable to encode \(value) directly in JSON."))
        }
        if value.rounded() == value, abs(value) < 1e7 {
            writeInteger(Int64(value))
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    /// A JSON string: quotes, backslashes and control characters escaped; other text as UTF-8.
    func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
                runStart = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
