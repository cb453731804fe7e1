/// Whether a message is transactional (always sent) or marketing (only with consent).
public enum NotificationCategory: String, Codable, Sendable, CaseIterable {
    /// About an order or a return: always sent.
    case transactional
    /// Promotional: only with marketing consent.
    case marketing
}
