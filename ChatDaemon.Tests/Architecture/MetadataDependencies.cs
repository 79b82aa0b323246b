using System.Collections.Immutable;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace ChatDaemon.Tests.Architecture;

// The folder dependencies of an assembly as its metadata records them: base types, interfaces,
// field, method, property and local-variable signatures, and every type, method and field token in
// method bodies' IL. Compiler-generated nested types (lambdas' closures, async state machines) count
// as their outermost type, so a dependency used only inside a method body is found too.
// Constants are the exception: the compiler copies their values into the IL, so a use of a
// const leaves no trace here (SourceDependencies covers those).
internal static class MetadataDependencies
{
    private static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    // The dependencies between folders of assemblyPath: a folder is the namespace
    // segment after rootNamespace (ChatDaemon.Networking.Epoll is Networking).
    // Types outside the root namespace are ignored, as uses within one folder are.
    public static IReadOnlyList<FolderDependency> Read(string assemblyPath, string rootNamespace)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var scan = new Scan(reader, pe);
        var found = new HashSet<FolderDependency>();
        foreach (var handle in reader.TypeDefinitions)
        {
            var user = scan.Outermost(handle);
            if (Folder(scan.Namespace(user), rootNamespace) is not { } from)
            {
                continue;
            }

            foreach (var used in scan.TypesUsedBy(handle).Select(scan.Outermost).Distinct())
            {
                if (Folder(scan.Namespace(used), rootNamespace) is { } to && to != from)
                {
                    found.Add(new FolderDependency(from, to, scan.FullName(user), scan.FullName(used)));
                }
            }
        }

        return found.OrderBy(d => d.ToString(), StringComparer.Ordinal).ToList();
    }

    internal static string? Folder(string ns, string rootNamespace)
    {
        if (!ns.StartsWith(rootNamespace + ".", StringComparison.Ordinal))
        {
            return null;
        }

        string rest = ns[(rootNamespace.Length + 1)..];
        int dot = rest.IndexOf('.');
        return dot < 0 ? rest : rest[..dot];
    }

    private sealed class Scan(MetadataReader reader, PEReader pe) : ISignatureTypeProvider<ImmutableArray<TypeDefinitionHandle>, object?>
    {
        public TypeDefinitionHandle Outermost(TypeDefinitionHandle handle)
        {
            while (reader.GetTypeDefinition(handle).GetDeclaringType() is { IsNil: false } outer)
            {
                handle = outer;
            }

            return handle;
        }

        public string Namespace(TypeDefinitionHandle handle) => reader.GetString(reader.GetTypeDefinition(handle).Namespace);

        public string FullName(TypeDefinitionHandle handle)
        {
            var type = reader.GetTypeDefinition(handle);
            return $"{reader.GetString(type.Namespace)}.{reader.GetString(type.Name)}";
        }

        public List<TypeDefinitionHandle> TypesUsedBy(TypeDefinitionHandle handle)
        {
            var type = reader.GetTypeDefinition(handle);
            var used = new List<TypeDefinitionHandle>();
            if (!type.BaseType.IsNil)
            {
                used.AddRange(FromEntity(type.BaseType));
            }

            foreach (var implementation in type.GetInterfaceImplementations())
            {
                used.AddRange(FromEntity(reader.GetInterfaceImplementation(implementation).Interface));
            }

            foreach (var field in type.GetFields())
            {
                used.AddRange(reader.GetFieldDefinition(field).DecodeSignature(this, null));
            }

            foreach (var property in type.GetProperties())
            {
                var signature = reader.GetPropertyDefinition(property).DecodeSignature(this, null);
                used.AddRange(signature.ReturnType);
                used.AddRange(signature.ParameterTypes.SelectMany(p => p));
            }

            foreach (var method in type.GetMethods())
            {
                used.AddRange(FromMethod(method));
                used.AddRange(FromBody(reader.GetMethodDefinition(method)));
            }

            return used;
        }

        private List<TypeDefinitionHandle> FromBody(MethodDefinition method)
        {
            if (method.RelativeVirtualAddress == 0)
            {
                return [];
            }

            var body = pe.GetMethodBody(method.RelativeVirtualAddress);
            var used = new List<TypeDefinitionHandle>();
            if (!body.LocalSignature.IsNil)
            {
                foreach (var local in reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(this, null))
                {
                    used.AddRange(local);
                }
            }

            var il = body.GetILReader();
            while (il.RemainingBytes > 0)
            {
                short code = il.ReadByte();
                if (code == 0xFE)
                {
                    code = (short)(0xFE00 | il.ReadByte());
                }

                switch (Operands[code])
                {
                    case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                        used.AddRange(FromEntity(MetadataTokens.EntityHandle(il.ReadInt32())));
                        break;
                    case OperandType.InlineNone:
                        break;
                    case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                        il.Offset += 1;
                        break;
                    case OperandType.InlineVar:
                        il.Offset += 2;
                        break;
                    case OperandType.InlineI8 or OperandType.InlineR:
                        il.Offset += 8;
                        break;
                    case OperandType.InlineSwitch:
                        int targets = il.ReadInt32(); // read first: `il.Offset += 4 * il.ReadInt32()` would use the old offset
                        il.Offset += 4 * targets;
                        break;
                    default: // InlineBrTarget, InlineI, ShortInlineR, InlineString, InlineSig: four bytes
                        il.Offset += 4;
                        break;
                }
            }

            return used;
        }

        private IEnumerable<TypeDefinitionHandle> FromMethod(MethodDefinitionHandle handle)
        {
            var method = reader.GetMethodDefinition(handle);
            var signature = method.DecodeSignature(this, null);
            return [method.GetDeclaringType(), .. signature.ReturnType, .. signature.ParameterTypes.SelectMany(p => p)];
        }

        private IEnumerable<TypeDefinitionHandle> FromEntity(EntityHandle handle)
        {
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    return [(TypeDefinitionHandle)handle];
                case HandleKind.TypeSpecification:
                    return reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                case HandleKind.MethodDefinition:
                    return FromMethod((MethodDefinitionHandle)handle);
                case HandleKind.FieldDefinition:
                    var field = reader.GetFieldDefinition((FieldDefinitionHandle)handle);
                    return [field.GetDeclaringType(), .. field.DecodeSignature(this, null)];
                case HandleKind.MethodSpecification:
                    var specification = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                    return [.. FromEntity(specification.Method), .. specification.DecodeSignature(this, null).SelectMany(t => t)];
                case HandleKind.MemberReference:
                    var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                    IEnumerable<TypeDefinitionHandle> parent = FromEntity(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method)
                    {
                        var signature = member.DecodeMethodSignature(this, null);
                        return [.. parent, .. signature.ReturnType, .. signature.ParameterTypes.SelectMany(p => p)];
                    }

                    return [.. parent, .. member.DecodeFieldSignature(this, null)];
                default: // a type of another assembly, or nothing that names a type
                    return [];
            }
        }

        public ImmutableArray<TypeDefinitionHandle> GetTypeFromDefinition(MetadataReader r, TypeDefinitionHandle handle, byte rawTypeKind) => [handle];

        public ImmutableArray<TypeDefinitionHandle> GetTypeFromReference(MetadataReader r, TypeReferenceHandle handle, byte rawTypeKind) => [];

        public ImmutableArray<TypeDefinitionHandle> GetTypeFromSpecification(MetadataReader r, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
            r.GetTypeSpecification(handle).DecodeSignature(this, context);

        public ImmutableArray<TypeDefinitionHandle> GetGenericInstantiation(ImmutableArray<TypeDefinitionHandle> genericType, ImmutableArray<ImmutableArray<TypeDefinitionHandle>> typeArguments) =>
            [.. genericType, .. typeArguments.SelectMany(t => t)];

        public ImmutableArray<TypeDefinitionHandle> GetArrayType(ImmutableArray<TypeDefinitionHandle> elementType, ArrayShape shape) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetSZArrayType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetByReferenceType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetPointerType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetPinnedType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetModifiedType(ImmutableArray<TypeDefinitionHandle> modifier, ImmutableArray<TypeDefinitionHandle> unmodifiedType, bool isRequired) =>
            [.. modifier, .. unmodifiedType];

        public ImmutableArray<TypeDefinitionHandle> GetFunctionPointerType(MethodSignature<ImmutableArray<TypeDefinitionHandle>> signature) =>
            [.. signature.ReturnType, .. signature.ParameterTypes.SelectMany(p => p)];

        public ImmutableArray<TypeDefinitionHandle> GetGenericMethodParameter(object? context, int index) => [];

        public ImmutableArray<TypeDefinitionHandle> GetGenericTypeParameter(object? context, int index) => [];

        public ImmutableArray<TypeDefinitionHandle> GetPrimitiveType(PrimitiveTypeCode typeCode) => [];
    }
}
