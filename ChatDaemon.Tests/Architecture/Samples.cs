// Made-up folders for the tests of the scan itself: Upper uses Lower only in ways that leave no trace
// in any signature (a method body, a lambda, a generic argument, an async method's locals).
namespace ChatDaemon.Tests.Architecture.Samples.Lower
{
    internal sealed class ConstructedInBody;

    internal sealed class UsedInLambda;

    internal sealed class InGenericArgument;

    internal sealed class InAsyncMethod;

    internal static class Constants
    {
        public const int Answer = 42;
    }
}

namespace ChatDaemon.Tests.Architecture.Samples.Upper
{
    using ChatDaemon.Tests.Architecture.Samples.Lower;

    internal static class BodyUser
    {
        public static object Make() => new ConstructedInBody();
    }

    internal static class LambdaUser
    {
        public static Func<object> Maker() => () => new UsedInLambda();
    }

    internal static class GenericUser
    {
        public static int Count() => new List<InGenericArgument>().Count;
    }

    internal static class AsyncUser
    {
        public static async Task<string> NameAsync()
        {
            await Task.Yield();
            object made = new InAsyncMethod();
            return made.GetType().Name;
        }
    }

    internal static class ConstantUser
    {
        public static int Get() => Constants.Answer;
    }
}
