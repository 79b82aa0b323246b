namespace ChatDaemon.Chat;

/// <summary>A room's topic: the text, the nick that set it and when (IRC's RPL_TOPIC and RPL_TOPICWHOTIME).</summary>
public sealed record RoomTopic(string Text, string SetBy, DateTimeOffset SetAt);
