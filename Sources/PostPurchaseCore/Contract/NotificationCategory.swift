/// Whether a message is transactional (always sent) or marketing (only with consent).
public enum NotificationCategory: String, Codable, Sendable, CaseIterable {
    case transactional
    case marketing
}
