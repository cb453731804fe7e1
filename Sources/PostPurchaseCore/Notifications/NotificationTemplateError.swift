/// Templates cannot be loaded or a message cannot be rendered: which file or template, and why.
public struct NotificationTemplateError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The template file or id at fault.
    public var template: String
    /// What is wrong.
    public var reason: String

    /// Creates an error about one template.
    public init(template: String, reason: String) {
        self.template = template
        self.reason = reason
    }

    public var description: String { "notification templates: \(template): \(reason)" }
}
