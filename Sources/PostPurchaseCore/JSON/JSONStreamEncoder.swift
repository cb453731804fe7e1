import Foundation

/// The `Encoder` of ``FastJSONEncoder`` for one value, and its containers, writing through a
/// ``JSONStreamWriter``.
struct JSONStreamEncoder: Encoder {
    let writer: JSONStreamWriter
    /// Open frames when this value started (the level of the container it opens).
    let level: Int
    let path: JSONCodingPath

    var codingPath: [any CodingKey] { path.keys }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let frame = writer.open(object: true, level: level)
        return KeyedEncodingContainer(KeyedContainer<Key>(writer: writer, level: frame.level, id: frame.id, path: path))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let frame = writer.open(object: false, level: level)
        return UnkeyedContainer(writer: writer, level: frame.level, id: frame.id, path: path)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(writer: writer, level: level, path: path)
    }

    // MARK: - Keyed

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let writer: JSONStreamWriter
        let level: Int
        let id: Int
        let path: JSONCodingPath

        var codingPath: [any CodingKey] { path.keys }

        private func begin(_ key: Key) throws {
            try writer.beginMember(level: level, id: id, key: key.stringValue)
        }

        mutating func encodeNil(forKey key: Key) throws { try begin(key); writer.writeLiteral("null") }
        mutating func encode(_ value: Bool, forKey key: Key) throws { try begin(key); writer.writeLiteral(value ? "true" : "false") }
        mutating func encode(_ value: String, forKey key: Key) throws { try begin(key); writer.writeString(value) }
        mutating func encode(_ value: Double, forKey key: Key) throws { try begin(key); try writer.writeDouble(value, .key(key, path)) }
        mutating func encode(_ value: Float, forKey key: Key) throws { try begin(key); try writer.writeFloat(value, .key(key, path)) }
        mutating func encode(_ value: Int, forKey key: Key) throws { try begin(key); writer.writeInteger(value) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { try begin(key); writer.writeInteger(value) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { try begin(key); writer.writeInteger(value) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { try begin(key); writer.writeInteger(value) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { try begin(key); writer.writeInteger(value) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { try begin(key); writer.writeInteger(value) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { try begin(key); writer.writeInteger(value) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { try begin(key); writer.writeInteger(value) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { try begin(key); writer.writeInteger(value) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { try begin(key); writer.writeInteger(value) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try begin(key)
            try writer.writeValue(value, level: level + 1, path: .key(key, path))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            nestedEncoder(key).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            nestedEncoder(key).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { writer.failed = true; return nestedEncoder(nil) }
        mutating func superEncoder(forKey key: Key) -> any Encoder { writer.failed = true; return nestedEncoder(key) }

        private func nestedEncoder(_ key: Key?) -> JSONStreamEncoder {
            if (try? writer.beginMember(level: level, id: id, key: key?.stringValue ?? "super")) == nil { writer.failed = true }
            return JSONStreamEncoder(writer: writer, level: level + 1, path: key.map { .key($0, path) } ?? path)
        }
    }

    // MARK: - Unkeyed

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let writer: JSONStreamWriter
        let level: Int
        let id: Int
        let path: JSONCodingPath

        var codingPath: [any CodingKey] { path.keys }
        var count: Int { writer.count(level: level, id: id) }

        private func begin() throws {
            try writer.beginMember(level: level, id: id, key: nil)
        }

        private var elementPath: JSONCodingPath { .index(count - 1, path) }

        mutating func encodeNil() throws { try begin(); writer.writeLiteral("null") }
        mutating func encode(_ value: Bool) throws { try begin(); writer.writeLiteral(value ? "true" : "false") }
        mutating func encode(_ value: String) throws { try begin(); writer.writeString(value) }
        mutating func encode(_ value: Double) throws { try begin(); try writer.writeDouble(value, elementPath) }
        mutating func encode(_ value: Float) throws { try begin(); try writer.writeFloat(value, elementPath) }
        mutating func encode(_ value: Int) throws { try begin(); writer.writeInteger(value) }
        mutating func encode(_ value: Int8) throws { try begin(); writer.writeInteger(value) }
        mutating func encode(_ value: Int16) throws { try begin(); writer.writeInteger(value) }
        mutating func encode(_ value: Int32) throws { try begin(); writer.writeInteger(value) }
        mutating func encode(_ value: Int64) throws { try begin(); writer.writeInteger(value) }
        mutating func encode(_ value: UInt) throws { try begin(); writer.writeInteger(value) }
        mutating func encode(_ value: UInt8) throws { try begin(); writer.writeInteger(value) }
        mutating func encode(_ value: UInt16) throws { try begin(); writer.writeInteger(value) }
        mutating func encode(_ value: UInt32) throws { try begin(); writer.writeInteger(value) }
        mutating func encode(_ value: UInt64) throws { try begin(); writer.writeInteger(value) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            try begin()
            try writer.writeValue(value, level: level + 1, path: elementPath)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            nestedEncoder().container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            nestedEncoder().unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { writer.failed = true; return nestedEncoder() }

        private func nestedEncoder() -> JSONStreamEncoder {
            if (try? begin()) == nil { writer.failed = true }
            return JSONStreamEncoder(writer: writer, level: level + 1, path: elementPath)
        }
    }

    // MARK: - Single value

    struct SingleValueContainer: SingleValueEncodingContainer {
        let writer: JSONStreamWriter
        let level: Int
        let path: JSONCodingPath

        var codingPath: [any CodingKey] { path.keys }

        mutating func encodeNil() throws { writer.writeLiteral("null") }
        mutating func encode(_ value: Bool) throws { writer.writeLiteral(value ? "true" : "false") }
        mutating func encode(_ value: String) throws { writer.writeString(value) }
        mutating func encode(_ value: Double) throws { try writer.writeDouble(value, path) }
        mutating func encode(_ value: Float) throws { try writer.writeFloat(value, path) }
        mutating func encode(_ value: Int) throws { writer.writeInteger(value) }
        mutating func encode(_ value: Int8) throws { writer.writeInteger(value) }
        mutating func encode(_ value: Int16) throws { writer.writeInteger(value) }
        mutating func encode(_ value: Int32) throws { writer.writeInteger(value) }
        mutating func encode(_ value: Int64) throws { writer.writeInteger(value) }
        mutating func encode(_ value: UInt) throws { writer.writeInteger(value) }
        mutating func encode(_ value: UInt8) throws { writer.writeInteger(value) }
        mutating func encode(_ value: UInt16) throws { writer.writeInteger(value) }
        mutating func encode(_ value: UInt32) throws { writer.writeInteger(value) }
        mutating func encode(_ value: UInt64) throws { writer.writeInteger(value) }
        mutating func encode<T: Encodable>(_ value: T) throws { try writer.writeValue(value, level: level, path: path) }
    }
}
