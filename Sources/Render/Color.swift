/// An opaque 8-bit RGB colour.
public struct Color: Sendable, Equatable, Hashable {
    public var red: UInt8, green: UInt8, blue: UInt8

    /// A colour from its components.
    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    public static let black = Color(0, 0, 0)
    public static let white = Color(255, 255, 255)
}
