/// A worker that joins its group on the contract's topics and acknowledges every event without
/// acting on it, counting each by type (`postpurchase_events_total{outcome="ignored"}`).
///
/// The worker executables run it until their domain module exists; it exercises the whole
/// runtime (group membership, decoding, dead-lettering of malformed input, offsets, health).
public struct ContractListenerWorker: Worker {
    public let role: WorkerRole

    public init(role: WorkerRole) {
        self.role = role
    }

    public var name: String { role.name }
    public var subscriptions: [TopicSubscription] { role.subscriptions }
    public var outputTopics: [TopicName] { role.outputTopics }

    public func handle(_ input: WorkerInput, context: inout WorkerContext) throws -> HandleOutcome {
        .ignored
    }
}
