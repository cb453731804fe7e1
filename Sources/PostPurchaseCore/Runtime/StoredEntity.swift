/// A piece of domain state kept in the store as a JSON document under a namespace and key.
public protocol StoredEntity: Codable, Sendable {
    /// The namespace (like a table name) this kind of entity lives under.
    static var namespace: String { get }
}
