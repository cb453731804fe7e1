/// The four workers of the contract's "who consumes what" table: names, topics and default ports.
public enum WorkerRole: String, CaseIterable, Sendable {
    case tracking = "tracking-worker"
    case followup = "followup-worker"
    case returns = "returns-worker"
    case loyalty = "loyalty-worker"

    /// The executable and default group suffix (`postpurchase-<name>`).
    public var name: String { rawValue }

    /// Its own section of the configuration file (`tracking`, `followup`, `returns`, `loyalty`).
    public var settingsSection: String {
        String(rawValue.dropLast("-worker".count))
    }

    /// What it consumes; only the tracking worker reads raw carrier webhooks.
    public var subscriptions: [TopicSubscription] {
        switch self {
        case .tracking: [TopicSubscription(.orders), TopicSubscription(.carrierEvents, acceptsRawPayloads: true)]
        case .followup: [TopicSubscription(.orders), TopicSubscription(.shipmentUpdates)]
        case .returns: [TopicSubscription(.orders), TopicSubscription(.shipmentUpdates)]
        case .loyalty: [TopicSubscription(.orders), TopicSubscription(.shipmentUpdates), TopicSubscription(.returnUpdates)]
        }
    }

    /// What it emits.
    public var outputTopics: [TopicName] {
        switch self {
        case .tracking: [.shipmentUpdates, .notifications]
        case .followup: [.notifications]
        case .returns: [.returnUpdates, .notifications]
        case .loyalty: [.loyaltyUpdates, .notifications]
        }
    }

    /// The health and metrics port when the configuration names none.
    public var defaultHTTPPort: Int {
        switch self {
        case .tracking: 9101
        case .followup: 9102
        case .returns: 9103
        case .loyalty: 9104
        }
    }
}
