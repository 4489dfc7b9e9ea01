import CSDL2
import Foundation
import Gym
import Render

/// Errors of the on-screen viewer; each says what to do instead.
public enum ViewerError: Error, Equatable, CustomStringConvertible {
    /// SDL could not open a window (no display).
    case noDisplay(String)
    /// Another SDL failure.
    case sdl(String)

    public var description: String {
        switch self {
        case .noDisplay(let message), .sdl(let message): return message
        }
    }
}

/// A key the viewer reports.
public enum ViewerKey: Sendable, Equatable, Hashable {
    case left, right, up, down, space, escape, quit
    case character(Character)
}

/// An SDL2 window that shows environment frames scaled up, with a heads-up line of text
/// (episode, step, return). Observations never depend on it: it only displays frames.
public final class ViewerWindow {
    /// The window's size in pixels.
    public let width: Int, height: Int
    private let window: OpaquePointer
    private let renderer: OpaquePointer
    private var texture: OpaquePointer?
    private var textureSize = (0, 0)
    /// Keys currently held down.
    public private(set) var pressedKeys = Set<ViewerKey>()

    /// Opens a window; throws `noDisplay` with advice when there is no display to open it on.
    public init(title: String, width: Int, height: Int) throws {
        let environment = ProcessInfo.processInfo.environment
        if environment["DISPLAY"] == nil && environment["WAYLAND_DISPLAY"] == nil && environment["SDL_VIDEODRIVER"] == nil {
            throw ViewerError.noDisplay(
                "cannot open a window: no display (DISPLAY and WAYLAND_DISPLAY are unset). Run under a desktop or xvfb-run, set SDL_VIDEODRIVER=offscreen for a hidden window, or record a video instead (swiftrl envs render <id> --output episode.mp4); training never needs a window"
            )
        }
        guard SDL_Init(SDL_INIT_VIDEO) == 0 else {
            throw ViewerError.noDisplay(
                "cannot open a window: \(String(cString: SDL_GetError())). There is no display: set DISPLAY (or run under xvfb-run), or record a video instead (swiftrl envs render <id> --output episode.mp4); training never needs a window"
            )
        }
        guard
            let window = SDL_CreateWindow(
                title, Int32(SDL_WINDOWPOS_CENTERED_MASK), Int32(SDL_WINDOWPOS_CENTERED_MASK),
                Int32(width), Int32(height), SDL_WINDOW_SHOWN.rawValue)
        else {
            let message = String(cString: SDL_GetError())
            SDL_Quit()
            throw ViewerError.noDisplay("cannot open a window: \(message); set DISPLAY (or run under xvfb-run), or record a video instead")
        }
        guard let renderer = SDL_CreateRenderer(window, -1, SDL_RENDERER_SOFTWARE.rawValue) else {
            let message = String(cString: SDL_GetError())
            SDL_DestroyWindow(window)
            SDL_Quit()
            throw ViewerError.sdl("cannot create an SDL renderer: \(message)")
        }
        self.window = window
        self.renderer = renderer
        self.width = width
        self.height = height
    }

    deinit {
        if let texture { SDL_DestroyTexture(texture) }
        SDL_DestroyRenderer(renderer)
        SDL_DestroyWindow(window)
        SDL_Quit()
    }

    /// Shows `frame` scaled to the window with `hud` text drawn in its top-left corner.
    public func show(_ frame: Frame, hud: String = "") throws {
        var shown = frame
        if !hud.isEmpty { shown = ViewerWindow.drawingHUD(hud, on: frame) }
        if textureSize != (shown.width, shown.height) {
            if let texture { SDL_DestroyTexture(texture) }
            texture = SDL_CreateTexture(
                renderer, UInt32(SDL_PIXELFORMAT_RGB24.rawValue), Int32(SDL_TEXTUREACCESS_STREAMING.rawValue),
                Int32(shown.width), Int32(shown.height))
            textureSize = (shown.width, shown.height)
        }
        guard let texture else { throw ViewerError.sdl("cannot create an SDL texture: \(String(cString: SDL_GetError()))") }
        shown.pixels.withUnsafeBytes { bytes in
            _ = SDL_UpdateTexture(texture, nil, bytes.baseAddress, Int32(shown.width * 3))
        }
        SDL_RenderClear(renderer)
        SDL_RenderCopy(renderer, texture, nil, nil)
        SDL_RenderPresent(renderer)
    }

    /// The window's current contents (for tests and screenshots).
    public func capture() throws -> Frame {
        var frame = Frame(width: width, height: height)
        let status = frame.pixels.withUnsafeMutableBytes { bytes in
            SDL_RenderReadPixels(renderer, nil, UInt32(SDL_PIXELFORMAT_RGB24.rawValue), bytes.baseAddress, Int32(width * 3))
        }
        guard status == 0 else { throw ViewerError.sdl("cannot read the window back: \(String(cString: SDL_GetError()))") }
        return frame
    }

    /// Processes pending window events; returns the keys pressed since the last call (and `.quit`
    /// when the window was closed).
    public func pollEvents() -> [ViewerKey] {
        var event = SDL_Event()
        var pressed: [ViewerKey] = []
        while SDL_PollEvent(&event) != 0 {
            switch event.type {
            case SDL_QUIT.rawValue:
                pressed.append(.quit)
            case SDL_KEYDOWN.rawValue, SDL_KEYUP.rawValue:
                guard let key = ViewerWindow.key(for: event.key.keysym.sym) else { continue }
                if event.type == SDL_KEYDOWN.rawValue {
                    if event.key.repeat == 0 { pressed.append(key) }
                    pressedKeys.insert(key)
                } else {
                    pressedKeys.remove(key)
                }
            default:
                continue
            }
        }
        return pressed
    }

    /// Waits `seconds` (frame pacing for human viewing).
    public func wait(seconds: Double) {
        SDL_Delay(UInt32(max(0, seconds * 1000)))
    }

    private static func key(for symbol: SDL_Keycode) -> ViewerKey? {
        switch Int(symbol) {
        case Int(SDLK_LEFT.rawValue): return .left
        case Int(SDLK_RIGHT.rawValue): return .right
        case Int(SDLK_UP.rawValue): return .up
        case Int(SDLK_DOWN.rawValue): return .down
        case Int(SDLK_SPACE.rawValue): return .space
        case Int(SDLK_ESCAPE.rawValue): return .escape
        case 32..<127: return .character(Character(UnicodeScalar(UInt8(symbol))))
        default: return nil
        }
    }

    /// A copy of `frame` with `text` in a dark band at the top (the 5x7 font, scaled to the frame).
    static func drawingHUD(_ text: String, on frame: Frame) -> Frame {
        let canvas = Canvas(width: frame.width, height: frame.height)
        let pixelSize = max(1, Double(frame.width / 300))
        canvas.clear(.black)
        var result = frame
        // Draw the text on a black canvas, then stamp the band and the text into the frame.
        canvas.drawText(text, x: 4, y: 4, pixelSize: pixelSize, .white)
        let text = canvas.frame()
        let bandHeight = min(frame.height, Int(7 * pixelSize + 8))
        for index in 0..<(frame.width * bandHeight * 3) {
            result.pixels[index] = max(text.pixels[index], result.pixels[index] / 3)
        }
        return result
    }
}
