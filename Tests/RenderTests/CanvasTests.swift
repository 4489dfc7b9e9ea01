import Foundation
import Testing
@testable import Gym
@testable import Render

/// The number of pixels of `color` in a frame.
func count(_ color: Color, in frame: Frame) -> Int {
    stride(from: 0, to: frame.pixels.count, by: 3).filter {
        frame.pixels[$0] == color.red && frame.pixels[$0 + 1] == color.green && frame.pixels[$0 + 2] == color.blue
    }.count
}

@Suite("Canvas")
struct CanvasTests {
    @Test("filled polygons cover the pixels whose centres are inside, concave ones included")
    func polygons() {
        let canvas = Canvas(width: 20, height: 20)
        canvas.clear(.white)
        canvas.transform = Transform(yUp: false)
        canvas.fillPolygon([Point(2, 2), Point(12, 2), Point(12, 7), Point(2, 7)], .black)
        #expect(count(.black, in: canvas.frame()) == 50)
        // An L shape (concave): 10x10 square minus a 5x5 corner.
        canvas.clear(.white)
        canvas.fillPolygon([Point(0, 0), Point(10, 0), Point(10, 5), Point(5, 5), Point(5, 10), Point(0, 10)], .black)
        #expect(count(.black, in: canvas.frame()) == 75)
    }

    @Test("circles cover about pi r^2 pixels; lines have their width")
    func circlesAndLines() {
        let canvas = Canvas(width: 64, height: 64)
        canvas.clear(.white)
        canvas.transform = Transform(yUp: false)
        canvas.fillCircle(center: Point(32, 32), radius: 20, .black)
        let area = Double(count(.black, in: canvas.frame()))
        #expect(abs(area - Double.pi * 400) / (Double.pi * 400) < 0.02)
        canvas.clear(.white)
        canvas.drawLine(from: Point(10, 32), to: Point(50, 32), lineWidth: 4, .black)
        let line = Double(count(.black, in: canvas.frame()))
        #expect(line >= 160 && line <= 200)  // 40 x 4 plus round ends
    }

    @Test("y-up transforms put world y = 0 at the bottom; rotation turns shapes")
    func transforms() {
        let canvas = Canvas(width: 10, height: 10)
        canvas.clear(.white)
        canvas.transform = Transform(scale: 1)
        canvas.fillPolygon([Point(0, 0), Point(10, 0), Point(10, 2), Point(0, 2)], .black)
        let frame = canvas.frame()
        #expect(frame.pixels[(9 * 10) * 3] == 0 && frame.pixels[0] == 255)
        #expect(Point(1, 0).rotated(by: Double.pi / 2).y > 0.99)
    }

    @Test("supersampling averages blocks into smooth edges")
    func supersampling() {
        let canvas = Canvas(width: 4, height: 4, supersampling: 4)
        canvas.clear(.white)
        canvas.transform = Transform(yUp: false)
        canvas.fillPolygon([Point(0, 0), Point(1.5, 0), Point(1.5, 4), Point(0, 4)], .black)
        let frame = canvas.frame()
        #expect(frame.pixels[0] == 0)  // fully covered
        #expect(frame.pixels[3] == 128)  // half covered: (0 * 8 + 255 * 8) / 16, rounded
        #expect(frame.pixels[6] == 255)
    }

    @Test("text draws glyph dots; channel-first output splits the planes")
    func textAndLayout() {
        let canvas = Canvas(width: 40, height: 10)
        canvas.clear(.black)
        canvas.drawText("SCORE 12", x: 1, y: 1, pixelSize: 1, .white)
        #expect(count(.white, in: canvas.frame()) > 40)
        let small = Canvas(width: 2, height: 1)
        small.clear(Color(10, 20, 30))
        var planes = [UInt8](repeating: 0, count: 6)
        planes.withUnsafeMutableBufferPointer { small.write(into: $0, channelFirst: true) }
        #expect(planes == [10, 10, 20, 20, 30, 30])
    }

    @Test("PNG output has a valid signature, header and chunk CRCs")
    func png() {
        var frame = Frame(width: 3, height: 2)
        frame.pixels[0] = 255
        let data = PNGEncoder.encode(frame)
        #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(Array(data[12..<16]) == Array("IHDR".utf8))
        #expect(PNGEncoder.crc32(Array("IEND".utf8)) == 0xAE42_6082)
    }
}
