package io.convoy.zoo.resnet;

import io.convoy.zoo.ModelRequest;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * The ImageNet ResNets of He et al. 2016, Table 1: a 7x7/2 convolution with 64 filters and a 3x3/2
 * max pool, four stages with 64, 128, 256 and 512 filters, basic blocks (ResNet-18/34) or bottleneck
 * blocks with expansion 4 (ResNet-50/101/152), global average pooling and a softmax classifier.
 * Projection shortcuts (option B) where the shape changes. In bottleneck blocks the stride sits on the
 * 3x3 convolution, as in torchvision's "ResNet v1.5" (the paper put it on the first 1x1).
 */
public final class ImageNetResNet {
    private final ResidualNet net;

    private ImageNetResNet(int[] blocks, ResidualUnit unit) {
        this.net = new ResidualNet(ResidualNet.Stem.IMAGENET, ResidualNet.IMAGENET_WIDTHS, blocks.clone(), unit, 1.0);
    }

    public static ImageNetResNet basic(int... blocksPerStage) {
        return new ImageNetResNet(blocksPerStage, new ResidualUnit.Basic(Shortcut.B));
    }

    public static ImageNetResNet bottleneck(int... blocksPerStage) {
        return new ImageNetResNet(blocksPerStage, new ResidualUnit.Bottleneck(Shortcut.B));
    }

    public ComputationGraphConfiguration build(ModelRequest request) {
        return net.build(request);
    }
}
