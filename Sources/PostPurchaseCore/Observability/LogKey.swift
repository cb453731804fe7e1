/// Metadata keys of our structured logs, in one place so dashboards can rely on them.
public enum LogKey {
    public static let worker = "worker"
    public static let topic = "kafka.topic"
    public static let partition = "kafka.partition"
    public static let offset = "kafka.offset"
    public static let eventId = "event.id"
    public static let eventType = "event.type"
    public static let reason = "reason"
    public static let error = "error"
    public static let count = "count"
    public static let attempt = "attempt"
    public static let timerId = "timer.id"
    public static let partitions = "kafka.partitions"
}
