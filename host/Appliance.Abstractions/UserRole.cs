namespace Appliance.Abstractions;

/// <summary>A user's role, ordered by privilege: an admin may do what an operator may, an operator what a viewer may.</summary>
public enum UserRole { Viewer = 0, Operator = 1, Admin = 2 }
