/// A piece of domain state kept in the store as a JSON document under a namespace and key.
public protocol StoredEntity: Codable, Sendable {
    /// The namespace (like a table name) this kind of entity lives under.
    static var namespace: String { get }

    /// Whether the runtime keeps decoded copies of this kind in memory between batches (true by
    /// default). Kinds that are written once and hardly ever read again, such as audit entries,
    /// say false: a copy of each would only take memory and crowd out the state handlers do read.
    static var keepsDecodedCopy: Bool { get }
}

extension StoredEntity {
    public static var keepsDecodedCopy: Bool { true }
}
