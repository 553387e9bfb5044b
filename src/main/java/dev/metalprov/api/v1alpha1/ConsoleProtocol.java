package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** How a BMC's serial console is reached. Accepted for compatibility; not used by this operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConsoleProtocol {

    @Required
    private ConsoleProtocolName name;

    @Required
    @Min(1)
    @Max(65535)
    private Integer port;

    public ConsoleProtocolName getName() {
        return name;
    }

    public void setName(ConsoleProtocolName name) {
        this.name = name;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }
}
