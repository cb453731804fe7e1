/// The formats accepted on `carrier-events`.
public enum CarrierFormat: String, Codable, Sendable, CaseIterable {
    /// An EasyPost `Event` (`tracker.created` / `tracker.updated`) with its `Tracker` as `result`.
    case easyPost = "easypost"
    /// A Shippo `track_updated` webhook (`{event, test, data: Track}`).
    case shippo
    /// An AfterShip tracking webhook (`{event, event_id, is_tracking_first_tag, msg: Tracking, ts}`).
    case afterShip = "aftership"
    /// The contract's canonical `tracking.updated` CloudEvent, for directly connected carriers.
    case trackingUpdated = "tracking.updated"

    /// The Kafka header that names the format of a raw webhook (`easypost`, `shippo`, `aftership`).
    public static let header = "carrier-source"
}
