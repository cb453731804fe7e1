import Foundation

/// The `Decoder` of ``FastJSONDecoder`` for one node of a ``JSONDocument``, and its containers.
final class JSONNodeDecoder: Decoder, SingleValueDecodingContainer {
    let document: JSONDocument
    let node: Int
    let path: JSONCodingPath
    let snakeCase: Bool

    init(document: JSONDocument, node: Int, path: JSONCodingPath, snakeCase: Bool) {
        self.document = document
        self.node = node
        self.path = path
        self.snakeCase = snakeCase
    }

    var codingPath: [any CodingKey] { path.keys }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    // MARK: - Decoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let kind = document.node(node).kind
        guard kind == .object else { throw mismatch([String: Any].self, node, path) }
        return KeyedDecodingContainer(KeyedContainer<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard document.node(node).kind == .array else { throw mismatch([Any].self, node, path) }
        return UnkeyedContainer(decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    // MARK: - Values

    /// The node `index` as `T`: the common types directly, others through their `init(from:)`.
    func unbox<T: Decodable>(_ index: Int, as type: T.Type, path: @autoclosure () -> JSONCodingPath) throws -> T {
        if T.self == String.self { return try string(index, path()) as! T }
        if T.self == Int.self { return try integer(index, Int.self, path()) as! T }
        if T.self == Bool.self { return try bool(index, path()) as! T }
        if T.self == Double.self { return try double(index, path()) as! T }
        if T.self == Date.self { return try date(index, path()) as! T }
        if T.self == Data.self { return try data(index, path()) as! T }
        if T.self == URL.self { return try url(index, path()) as! T }
        if T.self == Decimal.self { return try decimal(index, path()) as! T }
        let decoder = index == node ? self : JSONNodeDecoder(document: document, node: index, path: path(), snakeCase: snakeCase)
        return try T(from: decoder)
    }

    private func describe(_ kind: JSONDocument.Kind) -> String {
        switch kind {
        case .object: "a dictionary"
        case .array: "an array"
        case .string, .escapedString: "a string"
        case .number: "a number"
        case .true, .false: "bool"
        case .null: "null"
        }
    }

    private func mismatch(_ type: Any.Type, _ index: Int, _ path: JSONCodingPath) -> DecodingError {
        let kind = document.node(index).kind
        if kind == .null {
            return .valueNotFound(type, .init(codingPath: path.keys, debugDescription: "Expected \(type) value but found null instead."))
        }
        return .typeMismatch(type, .init(codingPath: path.keys, debugDescription: "Expected to decode \(type) but found \(describe(kind)) instead."))
    }

    func string(_ index: Int, _ path: @autoclosure () -> JSONCodingPath) throws -> String {
        switch document.node(index).kind {
        case .string, .escapedString: return document.string(index)
        default: throw mismatch(String.self, index, path())
        }
    }

    func bool(_ index: Int, _ path: @autoclosure () -> JSONCodingPath) throws -> Bool {
        switch document.node(index).kind {
        case .true: return true
        case .false: return false
        default: throw mismatch(Bool.self, index, path())
        }
    }

    func integer<I: FixedWidthInteger>(_ index: Int, _ type: I.Type, _ path: @autoclosure () -> JSONCodingPath) throws -> I {
        guard document.node(index).kind == .number else { throw mismatch(I.self, index, path()) }
        guard let value = document.integer(index).flatMap({ I(exactly: $0) }) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: path().keys, debugDescription: "Parsed JSON number <\(document.numberText(index))> does not fit in \(I.self)."))
        }
        return value
    }

    func double(_ index: Int, _ path: @autoclosure () -> JSONCodingPath) throws -> Double {
        guard document.node(index).kind == .number, let value = Double(document.numberText(index)) else {
            throw mismatch(Double.self, index, path())
        }
        return value
    }

    func date(_ index: Int, _ path: @autoclosure () -> JSONCodingPath) throws -> Date {
        let text = try string(index, path())
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: path().keys, debugDescription: "'\(text.prefix(40))' is not an RFC 3339 date-time with offset"))
        }
        return date
    }

    func data(_ index: Int, _ path: @autoclosure () -> JSONCodingPath) throws -> Data {
        let text = try string(index, path())
        guard let data = Data(base64Encoded: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path().keys, debugDescription: "Encountered Data is not valid Base64."))
        }
        return data
    }

    func url(_ index: Int, _ path: @autoclosure () -> JSONCodingPath) throws -> URL {
        let text = try string(index, path())
        guard let url = URL(string: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path().keys, debugDescription: "Invalid URL string."))
        }
        return url
    }

    func decimal(_ index: Int, _ path: @autoclosure () -> JSONCodingPath) throws -> Decimal {
        guard document.node(index).kind == .number, let value = Decimal(string: String(document.numberText(index))) else {
            throw mismatch(Decimal.self, index, path())
        }
        return value
    }

    // MARK: - SingleValueDecodingContainer

    func decodeNil() -> Bool { document.node(node).kind == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try bool(node, path) }
    func decode(_ type: String.Type) throws -> String { try string(node, path) }
    func decode(_ type: Double.Type) throws -> Double { try double(node, path) }
    func decode(_ type: Float.Type) throws -> Float { Float(try double(node, path)) }
    func decode(_ type: Int.Type) throws -> Int { try integer(node, type, path) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(node, type, path) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(node, type, path) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(node, type, path) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(node, type, path) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(node, type, path) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(node, type, path) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(node, type, path) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(node, type, path) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(node, type, path) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try unbox(node, as: T.self, path: path) }

    // MARK: - Keyed

    struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: JSONNodeDecoder
        var codingPath: [any CodingKey] { decoder.codingPath }

        private var document: JSONDocument { decoder.document }

        var allKeys: [Key] {
            var keys: [Key] = []
            var child = decoder.node + 1
            for _ in 0..<document.node(decoder.node).count {
                var name = document.string(child)
                if decoder.snakeCase { name = Self.camelCase(name) }
                if let key = Key(stringValue: name) { keys.append(key) }
                child = Int(document.node(child + 1).next)
            }
            return keys
        }

        /// `convertFromSnakeCase` for a whole name (only `allKeys` needs the converted text).
        private static func camelCase(_ name: String) -> String {
            guard name.contains("_") else { return name }
            let core = name.drop { $0 == "_" }
            let leading = name.prefix(name.count - core.count)
            let trimmed = core.reversed().drop { $0 == "_" }
            let trailing = String(repeating: "_", count: core.count - trimmed.count)
            let words = String(trimmed.reversed()).split(separator: "_")
            guard let first = words.first else { return name }
            return leading + first + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined() + trailing
        }

        /// The value node of member `key`.
        private func member(_ key: Key) -> Int? {
            let name = key.stringValue
            var child = decoder.node + 1
            for _ in 0..<document.node(decoder.node).count {
                if document.stringEquals(child, name, snakeCase: decoder.snakeCase) { return child + 1 }
                child = Int(document.node(child + 1).next)
            }
            return nil
        }

        private func require(_ key: Key) throws -> Int {
            guard let index = member(key) else {
                throw DecodingError.keyNotFound(key, .init(
                    codingPath: codingPath, debugDescription: "No value associated with key \(key.stringValue)."))
            }
            return index
        }

        private func value<T: Decodable>(_ key: Key) throws -> T {
            try decoder.unbox(try require(key), as: T.self, path: .key(key, decoder.path))
        }

        func contains(_ key: Key) -> Bool { member(key) != nil }
        func decodeNil(forKey key: Key) throws -> Bool { document.node(try require(key)).kind == .null }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try value(key) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try value(key) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try value(key) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try value(key) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try value(key) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try value(key) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try value(key) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try value(key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try value(key) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try value(key) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try value(key) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try value(key) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try value(key) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try value(key) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try value(key) }

        // One lookup instead of the default's three (contains, decodeNil, decode).
        private func optional<T: Decodable>(_ key: Key) throws -> T? {
            guard let index = member(key), document.node(index).kind != .null else { return nil }
            return try decoder.unbox(index, as: T.self, path: .key(key, decoder.path))
        }

        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try optional(key) }
        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try optional(key) }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try optional(key) }
        func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try optional(key) }
        func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try optional(key) }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try optional(key) }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try nested(key).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try nested(key).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder {
            let index = member(Key(stringValue: "super")!) ?? decoder.node
            return JSONNodeDecoder(document: document, node: index, path: decoder.path, snakeCase: decoder.snakeCase)
        }

        func superDecoder(forKey key: Key) throws -> any Decoder { try nested(key) }

        private func nested(_ key: Key) throws -> JSONNodeDecoder {
            JSONNodeDecoder(document: document, node: try require(key), path: .key(key, decoder.path), snakeCase: decoder.snakeCase)
        }
    }

    // MARK: - Unkeyed

    struct UnkeyedContainer: UnkeyedDecodingContainer {
        let decoder: JSONNodeDecoder
        private var child: Int
        let count: Int?
        private(set) var currentIndex = 0

        init(decoder: JSONNodeDecoder) {
            self.decoder = decoder
            self.child = decoder.node + 1
            self.count = Int(decoder.document.node(decoder.node).count)
        }

        var codingPath: [any CodingKey] { decoder.codingPath }
        var isAtEnd: Bool { currentIndex >= count! }

        private mutating func next<T: Decodable>(_ type: T.Type) throws -> T {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(T.self, .init(
                    codingPath: decoder.path.keys + [JSONCodingPath.IndexKey(intValue: currentIndex)], debugDescription: "Unkeyed container is at end."))
            }
            let value = try decoder.unbox(child, as: T.self, path: .index(currentIndex, decoder.path))
            advance()
            return value
        }

        private mutating func advance() {
            child = Int(decoder.document.node(child).next)
            currentIndex += 1
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, decoder.document.node(child).kind == .null else { return false }
            advance()
            return true
        }

        mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type) }
        mutating func decode(_ type: String.Type) throws -> String { try next(type) }
        mutating func decode(_ type: Double.Type) throws -> Double { try next(type) }
        mutating func decode(_ type: Float.Type) throws -> Float { try next(type) }
        mutating func decode(_ type: Int.Type) throws -> Int { try next(type) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(type) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(type) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try next(type) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(type) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next(type) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next(type) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next(type) }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next(type) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try nestedDecoder().container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try nestedDecoder().unkeyedContainer()
        }

        mutating func superDecoder() throws -> any Decoder { try nestedDecoder() }

        private mutating func nestedDecoder() throws -> JSONNodeDecoder {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(JSONNodeDecoder.self, .init(codingPath: codingPath, debugDescription: "Unkeyed container is at end."))
            }
            let nested = JSONNodeDecoder(
                document: decoder.document, node: child, path: .index(currentIndex, decoder.path), snakeCase: decoder.snakeCase)
            advance()
            return nested
        }
    }
}
