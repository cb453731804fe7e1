/// Why a shipment is considered delayed (`shipment.delayed`).
public enum DelayReason: String, Codable, Sendable, CaseIterable {
    /// The delivery promise passed and the parcel was not delivered.
    case promiseMissed = "promise_missed"
    /// The carrier reported an exception.
    case carrierException = "carrier_exception"
    /// A delivery attempt failed.
    case attemptFailed = "attempt_failed"
}
