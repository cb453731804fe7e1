/// A worker that plays one of the contract's roles: its name, subscriptions and output topics
/// are the role's (the contract's "who consumes what" table), so no worker restates them.
public protocol RoleWorker: Worker {
    /// The role it plays.
    static var role: WorkerRole { get }
}

extension RoleWorker {
    public var name: String { Self.role.name }
    public var subscriptions: [TopicSubscription] { Self.role.subscriptions }
    public var outputTopics: [TopicName] { Self.role.outputTopics }
}
