/// Where a value is in a JSON document, kept as a linked list so nested values don't copy arrays
/// of keys; the array (`codingPath`) is only built for an error or a type that asks for it.
indirect enum JSONCodingPath {
    case root
    case key(any CodingKey, JSONCodingPath)
    case index(Int, JSONCodingPath)

    /// The path as `Codable` reports it.
    var keys: [any CodingKey] {
        var keys: [any CodingKey] = []
        var current = self
        while true {
            switch current {
            case .root: return keys.reversed()
            case .key(let key, let parent): keys.append(key); current = parent
            case .index(let index, let parent): keys.append(IndexKey(intValue: index)); current = parent
            }
        }
    }

    /// A position in an array.
    struct IndexKey: CodingKey {
        var intValue: Int?
        var stringValue: String { "Index \(intValue ?? 0)" }
        init(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { nil }
    }
}
