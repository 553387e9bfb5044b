package dev.metalprov.api.v1alpha1;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Size;

/**
 * A Kubernetes label selector. Its own type rather than the core one, so that the schema can
 * bound it and refuse an unknown operator before any code sees it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LabelSelector {

    @JsonPropertyDescription("Labels that must all be present with exactly these values.")
    private Map<String, String> matchLabels;

    @Size(max = 32)
    @JsonPropertyDescription("Requirements that must all hold.")
    private List<LabelSelectorRequirement> matchExpressions;

    public LabelSelector() {
    }

    public LabelSelector(Map<String, String> matchLabels, List<LabelSelectorRequirement> matchExpressions) {
        this.matchLabels = matchLabels;
        this.matchExpressions = matchExpressions;
    }

    public Map<String, String> getMatchLabels() {
        return matchLabels;
    }

    public void setMatchLabels(Map<String, String> matchLabels) {
        this.matchLabels = matchLabels;
    }

    public List<LabelSelectorRequirement> getMatchExpressions() {
        return matchExpressions;
    }

    public void setMatchExpressions(List<LabelSelectorRequirement> matchExpressions) {
        this.matchExpressions = matchExpressions;
    }
}
