package io.tributary.kcl;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** The {@code kcl:<stream>} endpoint: consumer only. */
public class KclEndpoint extends DefaultEndpoint {

    private final String stream;

    KclEndpoint(String uri, KclComponent component, String stream) {
        super(uri, component);
        this.stream = stream;
    }

    @Override
    public KclComponent getComponent() {
        return (KclComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("kcl: is a consumer only; write to Kinesis with aws2-kinesis or the SDK");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        Consumer consumer = new KclConsumer(this, processor, stream);
        configureConsumer(consumer);
        return consumer;
    }
}
