using System.Text.Json;

namespace Appliance.Plugins.Elasticsearch.Protocol;

/// <summary>
/// The index template installed on first use: every <c>{prefix}-*</c> index maps the envelope's fields as keywords and
/// dates, and the event's own payload as one <c>flattened</c> field (any event type's fields searchable as keywords,
/// without one event type's field types clashing with another's in the mapping).
/// </summary>
public static class IndexTemplate
{
    public static string NameFor(string prefix) => $"{prefix}-template";

    public static string For(string prefix) => JsonSerializer.Serialize(new
    {
        index_patterns = new[] { $"{prefix}-*" },
        priority = 200,
        template = new
        {
            settings = new Dictionary<string, object> { ["number_of_shards"] = 1 },
            mappings = new
            {
                dynamic = "false",
                properties = new Dictionary<string, object>
                {
                    ["@timestamp"] = new { type = "date" },
                    ["event"] = new
                    {
                        properties = new Dictionary<string, object>
                        {
                            ["id"] = new { type = "keyword" },
                            ["type"] = new { type = "keyword" },
                            ["category"] = new { type = "keyword" },
                            ["source"] = new { type = "keyword" },
                            ["sequence"] = new { type = "long" },
                        },
                    },
                    ["appliance"] = new { properties = new Dictionary<string, object> { ["name"] = new { type = "keyword" } } },
                    ["camera"] = new { properties = new Dictionary<string, object> { ["id"] = new { type = "keyword" } } },
                    ["data"] = new { type = "flattened" },
                },
            },
        },
        _meta = new { description = "Events of the video appliance (appliance.elasticsearch plugin)" },
    });
}
