/// An error meant for a person: one plain sentence that names the file (or input) and the problem.
/// Every module throws these for bad input; the CLI prints `tutor: <message>` and exits non-zero.
public struct TutorError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
