import Foundation
import PostPurchaseCore

/// The tracking worker's own settings (beyond the shared configuration).
public struct TrackingSettings: Sendable, Equatable {
    /// How long an update for an unknown tracking number waits for its `shipment.dispatched`
    /// before it is dead-lettered (`unknown-tracking-number`). Default: 24 h.
    /// Env: `POSTPURCHASE_TRACKING_UNMATCHED_HOURS`.
    public var unmatchedTimeout: TimeInterval = 24 * 3600
    /// How long before its dispatch event a carrier update may still belong to a shipment (labels
    /// are scanned before fulfilment publishes the dispatch). Default: 30 days.
    public var matchLead: TimeInterval = 30 * 86_400
    /// How long after its dispatch a carrier update may belong to a shipment; later ones are for a
    /// recycled tracking number. Default: 120 days.
    public var matchWindow: TimeInterval = 120 * 86_400

    /// The defaults.
    public init() {}

    /// The defaults with the environment applied; a bad value stops start-up naming the variable.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> TrackingSettings {
        var settings = TrackingSettings()
        let key = "POSTPURCHASE_TRACKING_UNMATCHED_HOURS"
        if let text = environment[key], !text.isEmpty {
            guard let hours = Double(text), hours > 0, hours.isFinite else {
                throw ConfigurationError(key: key, reason: "'\(text.prefix(20))' is not a positive number of hours")
            }
            settings.unmatchedTimeout = hours * 3600
        }
        return settings
    }
}
