package io.convoy.worker.data.image;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;
import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import io.convoy.worker.data.InvalidDataException;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.color.ColorSpace;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG and PNG bytes into RGB pixels, telling the format by its magic bytes rather than the
 * file name (ImageNet has a PNG stored as .JPEG). JPEGs go through TwelveMonkeys' reader, which also
 * reads the CMYK and YCCK JPEGs that the JDK's reader refuses, converting them to RGB. Greyscale
 * images become three equal channels; an alpha channel is dropped.
 */
public final class ImageDecoder {
    private static final JPEGImageReaderSpi JPEG = registeredJpegSpi();
    private static final ThreadLocal<ImageReader> JPEG_READER = ThreadLocal.withInitial(ImageDecoder::newJpegReader);

    static {
        ImageIO.setUseCache(false); // decode from memory, no temporary files
    }

    private ImageDecoder() {
    }

    public enum Format { JPEG, PNG, OTHER }

    /** The format the bytes start like. */
    public static Format sniff(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF) {
            return Format.JPEG;
        }
        if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return Format.PNG;
        }
        return Format.OTHER;
    }

    /** @throws InvalidDataException when the bytes are not a readable image */
    public static DecodedImage decode(byte[] bytes) {
        BufferedImage img;
        try {
            img = switch (sniff(bytes)) {
                case JPEG -> readJpeg(bytes);
                case PNG, OTHER -> readWithImageIo(bytes);
            };
        } catch (IOException | RuntimeException e) {
            throw new InvalidDataException("not a decodable image (" + sniff(bytes) + ", " + bytes.length + " bytes): "
                    + e.getMessage(), e);
        }
        if (img == null) {
            throw new InvalidDataException("not a JPEG or PNG image (" + bytes.length + " bytes, starting "
                    + hex(bytes) + ")");
        }
        return toRgb(img);
    }

    private static BufferedImage readJpeg(byte[] bytes) throws IOException {
        ImageReader reader = JPEG_READER.get();
        try (ImageInputStream in = new ByteArrayImageInputStream(bytes)) {
            reader.setInput(in, true, true);
            return reader.read(0);
        } finally {
            reader.reset();
        }
    }

    private static BufferedImage readWithImageIo(byte[] bytes) throws IOException {
        try (ImageInputStream in = new ByteArrayImageInputStream(bytes)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * TwelveMonkeys' reader delegates the decoding to the JDK's, which it finds when it is registered:
     * use the registered provider, registering it where the class loader's plug-in scan did not (a
     * Spark executor loads the application jar after ImageIO has scanned the class path).
     */
    private static JPEGImageReaderSpi registeredJpegSpi() {
        IIORegistry registry = IIORegistry.getDefaultInstance();
        JPEGImageReaderSpi spi = registry.getServiceProviderByClass(JPEGImageReaderSpi.class);
        if (spi == null) {
            spi = new JPEGImageReaderSpi();
            registry.registerServiceProvider(spi, ImageReaderSpi.class);
        }
        return spi;
    }

    private static ImageReader newJpegReader() {
        try {
            return JPEG.createReaderInstance();
        } catch (IOException e) {
            throw new IllegalStateException("cannot create TwelveMonkeys' JPEG reader", e);
        }
    }

    /** Pixel values as stored (no colour-space conversion) for 8-bit grey and RGB images, sRGB otherwise. */
    static DecodedImage toRgb(BufferedImage img) {
        int h = img.getHeight();
        int w = img.getWidth();
        int plane = h * w;
        byte[] out = new byte[3 * plane];
        Raster r = img.getRaster();
        ColorModel cm = img.getColorModel();
        int bands = r.getNumBands();
        boolean eightBit = cm instanceof ComponentColorModel && r.getSampleModel().getSampleSize(0) == 8;
        int csType = cm.getColorSpace().getType();
        if (eightBit && r.getDataBuffer() instanceof DataBufferByte db
                && r.getSampleModel() instanceof PixelInterleavedSampleModel sm
                && r.getSampleModelTranslateX() == 0 && r.getSampleModelTranslateY() == 0
                && (csType == ColorSpace.TYPE_RGB && bands >= 3 || csType == ColorSpace.TYPE_GRAY && bands <= 2)) {
            byte[] data = db.getData();
            int[] offsets = sm.getBandOffsets();
            int stride = sm.getScanlineStride();
            int step = sm.getPixelStride();
            boolean grey = csType == ColorSpace.TYPE_GRAY;
            for (int y = 0; y < h; y++) {
                int row = y * stride;
                for (int x = 0; x < w; x++) {
                    int p = row + x * step;
                    int i = y * w + x;
                    if (grey) {
                        byte v = data[p + offsets[0]];
                        out[i] = v;
                        out[plane + i] = v;
                        out[2 * plane + i] = v;
                    } else {
                        out[i] = data[p + offsets[0]];
                        out[plane + i] = data[p + offsets[1]];
                        out[2 * plane + i] = data[p + offsets[2]];
                    }
                }
            }
        } else {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int argb = row[x];
                    int i = y * w + x;
                    out[i] = (byte) (argb >> 16);
                    out[plane + i] = (byte) (argb >> 8);
                    out[2 * plane + i] = (byte) argb;
                }
            }
        }
        return new DecodedImage(h, w, out);
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(8, b.length); i++) {
            s.append(String.format("%02x", b[i] & 0xff));
        }
        return s.toString();
    }
}
