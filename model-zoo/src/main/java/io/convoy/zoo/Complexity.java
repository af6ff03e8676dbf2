package io.convoy.zoo;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;

/** Multiply-adds per image of the weighted layers (convolutions and fully connected), the figure papers report as FLOPs. */
public final class Complexity {
    private Complexity() {
    }

    public static long multiplyAdds(ComputationGraphConfiguration conf, InputShape input) {
        Map<String, InputType> types = conf.getLayerActivationTypes(input.toInputType());
        long total = 0;
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            if (!(e.getValue() instanceof LayerVertex lv)) {
                continue;
            }
            Layer layer = lv.getLayerConf().getLayer();
            InputType out = types.get(e.getKey());
            if (layer instanceof ConvolutionLayer c && out instanceof InputType.InputTypeConvolutional oc) {
                long[] k = {c.getKernelSize()[0], c.getKernelSize()[1]};
                total += k[0] * k[1] * c.getNIn() * c.getNOut() * oc.getHeight() * oc.getWidth();
            } else if (layer instanceof DenseLayer || layer instanceof BaseOutputLayer) {
                // not every FeedForwardLayer: DL4J's BatchNormalization is one too (nIn = nOut = channels)
                FeedForwardLayer f = (FeedForwardLayer) layer;
                total += f.getNIn() * f.getNOut();
            }
        }
        return total;
    }
}
