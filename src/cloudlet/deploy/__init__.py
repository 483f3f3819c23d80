"""The CloudFormation deploy engine: a client of the service APIs (DESIGN.md §1).

The pure core lives here: template.py (parse + validate), references.py, parameters.py, intrinsics.py
(the resolver), conditions.py (Conditions and Rules), graph.py (resource order),
names.py (generated physical names), assembly.py (CDK cloud assemblies). None of these
make a service call; the engine hands them callbacks for what lives in services.

LIMITATIONS (of the pure core):
- Macros are not run: Fn::Transform / AWS::Include, Fn::ForEach (LanguageExtensions) and
  SAM are the engine's (validate_template checks only the top level of a template with a
  Transform, as CloudFormation checks the rest after expanding it).
- Rules functions that query the account (Fn::RefAll, Fn::ValueOf, Fn::ValueOfAll) are
  unsupported; AWS-specific parameter types (AWS::EC2::VPC::Id, ...) are plain strings,
  not checked against the account.
- Fn::GetAZs answers the region's a, b and c zones.
- AllowedPattern uses Python's re (CloudFormation's is Java's; the common syntax agrees).
- The resource attributes a Fn::GetAtt may name are not checked here (the engine's resource
  handlers know them).
"""
