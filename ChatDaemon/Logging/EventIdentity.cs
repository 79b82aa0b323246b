using Serilog.Events;

namespace ChatDaemon.Logging;

// The Microsoft.Extensions.Logging EventId of a Serilog event. Serilog.Extensions.Logging stores it
// as a structure property EventId { Id, Name }, leaving it out when both are unset.
internal readonly record struct EventIdentity(int? Id, string? Name)
{
    public const string PropertyName = "EventId";

    public static EventIdentity From(LogEvent logEvent)
    {
        if (!logEvent.Properties.TryGetValue(PropertyName, out var value))
        {
            return default;
        }

        if (value is ScalarValue { Value: int bareId })
        {
            return new EventIdentity(bareId, null);
        }

        int? id = null;
        string? name = null;
        if (value is StructureValue structure)
        {
            foreach (var property in structure.Properties)
            {
                if (property.Name == "Id" && property.Value is ScalarValue { Value: int i })
                {
                    id = i;
                }
                else if (property.Name == "Name" && property.Value is ScalarValue { Value: string n })
                {
                    name = n;
                }
            }
        }

        return new EventIdentity(id, name);
    }
}
